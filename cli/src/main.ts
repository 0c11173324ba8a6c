import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { API_VERSION } from "../../sdk/version";
import { type App, createApp, examples } from "./app";
import { registerAdmin } from "./commands/admin";
import { registerAuth } from "./commands/auth";
import { registerBuild } from "./commands/build";
import { registerConfigSSH } from "./commands/config-ssh";
import { registerDoctor } from "./commands/doctor";
import { registerDotfiles } from "./commands/dotfiles";
import { registerExport } from "./commands/export";
import { registerGit } from "./commands/git";
import { registerPorts } from "./commands/ports";
import { registerSession } from "./commands/session";
import { registerShare } from "./commands/share";
import { registerSnapshot } from "./commands/snapshot";
import { registerSSH } from "./commands/ssh";
import { registerSSHProxy } from "./commands/ssh-proxy";
import { registerTemplate } from "./commands/template";
import { registerWorkspace } from "./commands/workspace";
import type { Env } from "./config";
import { DEFAULT_URL } from "./defaults";
import { describeError, EXIT, Output, type Streams } from "./output";

export const FLARE_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/flare.mjs");

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

export function buildProgram(app: App, { json = false }: { json?: boolean } = {}): Command {
  const program = new Command("flare")
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
  registerAuth(program, app);
  registerWorkspace(program, app);
  registerTemplate(program, app);
  registerBuild(program, app);
  registerSession(program, app);
  registerSnapshot(program, app);
  registerShare(program, app);
  registerPorts(program, app);
  registerGit(program, app);
  registerDotfiles(program, app);
  registerExport(program, app);
  registerAdmin(program, app);
  registerSSH(program, app);
  registerSSHProxy(program, app);
  registerConfigSSH(program, app);
  registerDoctor(program, app);
  addGlobalOptions(program);
  return program;
}

export interface MainIO {
  env?: Env;
  streams?: Streams;
}

/** Runs one CLI invocation and resolves to its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: MainIO = {}): Promise<number> {
  const env = io.env ?? process.env;
  const streams = io.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const app = createApp(env, streams, { node: process.execPath, bin: FLARE_BIN });
  const json = argv.includes("--json");
  const program = buildProgram(app, { json });
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

function safeBaseURL(argv: string[], env: Env): string {
  const i = argv.indexOf("--url");
  const fromFlag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--url="))?.slice(6);
  return fromFlag ?? env.BURSTFLARE_URL ?? DEFAULT_URL;
}
