#!/usr/bin/env node
// The `flare` executable: runs the TypeScript sources through tsx's ESM loader so the CLI
// needs no build step, both from the repo (`npx flare`) and when installed as a package.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `flare needs Node.js >= 22.12 (this is ${process.version}).\n` +
      "  fix: run it with the repo's Node (`npx flare …`) or install Node 22 and put it first on PATH.\n",
  );
  process.exit(1);
}

const { register } = await import("tsx/esm/api");
register();
const argv = process.argv.slice(2);
// ssh's ProxyCommand from `flare ssh` first: it must connect fast and needs none of the rest.
let code = null;
if (argv.includes("ssh-proxy")) {
  const { tryFastProxy } = await import("../src/ssh/fast-proxy.ts");
  code = await tryFastProxy(argv, process.env);
}
if (code === null) {
  const { main } = await import("../src/main.ts");
  code = await main(argv);
}
// Exit once stdout and stderr are flushed: a lingering keep-alive socket must not hold the CLI open.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write("", resolve))));
process.exit(code);
