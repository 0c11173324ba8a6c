/**
 * What `flare` runs, bundled (cli/build.mjs) or through tsx. ssh's ProxyCommand from `flare ssh`
 * comes first: it must connect fast and loads none of the rest. Everything else is imported
 * lazily so `--help` never loads the SSH tunnel, tar or the HTTP stack.
 */
export async function runFlare(argv: string[]): Promise<never> {
  // `flare … | head` closes our stdout early: that ends the output, it is not a crash.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  let code: number | null = null;
  if (argv.includes("ssh-proxy")) {
    const { tryFastProxy } = await import("./ssh/fast-proxy");
    code = await tryFastProxy(argv, process.env);
  }
  if (code === null) {
    const { main } = await import("./main");
    code = await main(argv);
  }
  // Exit once stdout and stderr are flushed: a lingering keep-alive socket must not hold the CLI open.
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write("", resolve))));
  process.exit(code);
}
