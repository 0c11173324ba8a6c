import { API_VERSION } from "@burstflare/sdk/version";
import { type Command, CommanderError, Option } from "commander";
import { type App, createApp, examples } from "./app";
import { addListing, COMMANDS, commandWord } from "./command-table";
import type { Env } from "./config";
import { DEFAULT_URL } from "./defaults";
import { FlareCommand } from "./flare-command";
import { describeError, EXIT, Output, type Streams } from "./output";
import { flareSelf } from "./self";

const urlOption = () => new Option("--url <url>", `BurstFlare server (default: $BURSTFLARE_URL or ${DEFAULT_URL})`);
const jsonOption = () => new Option("--json", "machine-readable output on stdout; errors as {error:{code,message}} on stderr");
const configDirOption = () => new Option("--config-dir <dir>", "where credentials and the managed SSH key live").hideHelp();

/**
 * Global options are declared on every command as well as the root, and the root's options are
 * positional: so `flare --json session list` and `flare session list --json` both work, while a
 * subcommand's own `--version <label>` is never mistaken for the root's `--version`.
 */
function addGlobalOptions(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.name() !== "help") sub.addOption(urlOption()).addOption(jsonOption()).addOption(configDirOption());
    addGlobalOptions(sub);
  }
}

/**
 * The command tree. `load` names the top-level command to define in full ("all" for every one);
 * the others are listed with their description only, which is all `--help` shows of them.
 */
export async function buildProgram(
  app: App,
  { json = false, load = "all" }: { json?: boolean; load?: string | null } = {},
): Promise<Command> {
  const program = new FlareCommand(app, "flare")
    .description("BurstFlare from the command line: sign in, manage templates and sessions, and SSH into them.")
    .version(API_VERSION, "-v, --version")
    .addOption(urlOption())
    .addOption(jsonOption())
    .addOption(configDirOption())
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    // Set before any subcommand exists: subcommands copy these settings when they are created.
    .configureOutput({
      writeOut: (s) => app.streams.stdout.write(s),
      writeErr: (s) => app.streams.stderr.write(s),
      // With --json, usage errors are printed by main() as JSON; commander's text would not parse.
      ...(json ? { outputError: () => {} } : {}),
    })
    .addHelpText(
      "after",
      examples(
        "flare auth login",
        "flare session up dev --template starter",
        "flare ssh dev -- uname -a",
        "flare config-ssh && ssh dev.burstflare",
        "flare --json session list | jq '.sessions[].name'",
      ) +
        "\nEnvironment:\n  BURSTFLARE_URL         server URL\n  BURSTFLARE_TOKEN       API token (bfp_…) used instead of stored credentials\n  BURSTFLARE_CONFIG_DIR  where credentials and the managed SSH key live (default ~/.config/burstflare)\n",
    );
  // The completer walks the whole tree.
  const loadAll = load === "all" || load === "__complete";
  for (const entry of COMMANDS) {
    if (program.commands.some((c) => c.name() === entry.name)) continue;
    if (loadAll || entry.name === load || entry.aliases?.includes(load ?? "")) (await entry.load())(program, app);
    else addListing(program, entry);
  }
  // A module defines several commands (completion, __complete): keep the table's order.
  (program.commands as Command[]).sort(
    (a, b) => COMMANDS.findIndex((e) => e.name === a.name()) - COMMANDS.findIndex((e) => e.name === b.name()),
  );
  addGlobalOptions(program);
  return program;
}

interface MainIO {
  env?: Env;
  streams?: Streams;
}

/** Runs one CLI invocation and resolves to its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: MainIO = {}): Promise<number> {
  const env = io.env ?? process.env;
  const streams = io.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const load = commandWord(argv);
  // The context (API client, credentials, zod) only for a command that will run.
  const { createContext } = load ? await import("./context") : { createContext: noContext };
  const app = createApp(env, streams, flareSelf(), createContext);
  const json = argv.includes("--json");
  const program = await buildProgram(app, { json, load });
  try {
    await program.parseAsync(argv, { from: "user" });
    return app.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT.ok;
      if (json) new Output(streams, true).error({ code: "usage", message: err.message.replace(/^error: /, "") });
      // A bare command group (`flare session`) prints its help; that is a usage error too.
      return EXIT.usage;
    }
    const ctxURL = safeBaseURL(argv, env);
    new Output(streams, json).error(describeError(err, { baseURL: ctxURL, usingEnvToken: Boolean(env.BURSTFLARE_TOKEN) }));
    return typeof (err as { exitCode?: unknown }).exitCode === "number" ? (err as { exitCode: number }).exitCode : EXIT.failed;
  }
}

function noContext(): never {
  throw new Error("no command is running");
}

function safeBaseURL(argv: string[], env: Env): string {
  const i = argv.indexOf("--url");
  const fromFlag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--url="))?.slice(6);
  return fromFlag ?? env.BURSTFLARE_URL ?? DEFAULT_URL;
}
