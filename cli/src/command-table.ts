import type { Command } from "commander";
import type { App } from "./app";
import type { FlareCommand } from "./flare-command";

type Register = (program: FlareCommand, app: App) => void;

/**
 * Every top-level command, as `flare --help` lists it, with the module that defines it. Only the
 * command being run is loaded (main.ts): the rest appear as these entries, so `flare --help` and
 * `flare ssh-proxy` never load zod or the other commands. command-table.test.ts keeps each entry
 * equal to what its module registers.
 */
interface CommandEntry {
  name: string;
  aliases?: string[];
  description: string;
  /** The arguments as the full command declares them, for the overview's usage column. */
  args?: string;
  hidden?: boolean;
  load(): Promise<Register>;
}

export const COMMANDS: CommandEntry[] = [
  { name: "auth", description: "Sign in and out, and see who you are", load: async () => (await import("./commands/auth")).registerAuth },
  {
    name: "workspace",
    aliases: ["ws"],
    description: "Workspaces you belong to, their members and invites",
    load: async () => (await import("./commands/workspace")).registerWorkspace,
  },
  {
    name: "template",
    aliases: ["templates"],
    description: "Versioned templates sessions start from",
    load: async () => (await import("./commands/template")).registerTemplate,
  },
  {
    name: "build",
    aliases: ["builds"],
    description: "Template builds: list, logs, retries",
    load: async () => (await import("./commands/build")).registerBuild,
  },
  {
    name: "session",
    aliases: ["sessions"],
    description: "Dev sessions: create, start, stop, watch",
    load: async () => (await import("./commands/session")).registerSession,
  },
  {
    name: "snapshot",
    aliases: ["snapshots"],
    description: "Snapshots of a session's persisted paths",
    load: async () => (await import("./commands/snapshot")).registerSnapshot,
  },
  {
    name: "share",
    aliases: ["shares"],
    description: "Links to a session's preview for other people",
    load: async () => (await import("./commands/share")).registerShare,
  },
  {
    name: "ports",
    aliases: ["port"],
    description: "TCP ports listening in a session",
    load: async () => (await import("./commands/ports")).registerPorts,
  },
  {
    name: "git",
    description: "Your git token, and cloning a session's repository",
    load: async () => (await import("./commands/git")).registerGit,
  },
  {
    name: "dotfiles",
    description: "Your dotfiles repository, applied on the first start of each of your sessions",
    load: async () => (await import("./commands/dotfiles")).registerDotfiles,
  },
  {
    name: "export",
    description: "Export the current workspace's records (owners) and download the JSON document",
    load: async () => (await import("./commands/export")).registerExport,
  },
  { name: "admin", description: "Operator tools (operators only)", load: async () => (await import("./commands/admin")).registerAdmin },
  {
    name: "ssh",
    description: "Open an SSH connection (or run a command) in a session, waking it if it sleeps",
    args: "<session> [command...]",
    load: async () => (await import("./commands/ssh")).registerSSH,
  },
  {
    name: "ssh-proxy",
    description: "Bridge stdin/stdout to a session's SSH tunnel (used as ssh's ProxyCommand; stdout carries SSH bytes only)",
    args: "<session>",
    load: async () => (await import("./commands/ssh-proxy")).registerSSHProxy,
  },
  {
    name: "config-ssh",
    description: "Write Host <session>.burstflare entries into ~/.ssh/config so plain ssh, scp, rsync and ssh -L work",
    load: async () => (await import("./commands/config-ssh")).registerConfigSSH,
  },
  {
    name: "doctor",
    description: "Check this machine, the server's health and your sign-in, and say what to fix",
    load: async () => (await import("./commands/doctor")).registerDoctor,
  },
  {
    name: "mcp",
    description: "Serve the Model Context Protocol over stdio: BurstFlare sessions as tools for coding agents",
    load: async () => (await import("./commands/mcp")).registerMcp,
  },
  {
    name: "completion",
    description: "Print the shell completion script (commands, options, and session, template and snapshot names)",
    args: "<shell>",
    load: async () => (await import("./commands/completion")).registerCompletion,
  },
  {
    name: "__complete",
    description: "Candidates for the word being completed (used by the completion scripts)",
    args: "[words...]",
    hidden: true,
    load: async () => (await import("./commands/completion")).registerCompletion,
  },
];

/** Adds the command as the overview shows it; it has no subcommands, options or action of its own. */
export function addListing(program: Command, entry: CommandEntry): void {
  const cmd = program.command(entry.name, { hidden: entry.hidden ?? false }).description(entry.description);
  if (entry.aliases?.length) cmd.aliases(entry.aliases);
  if (entry.args) cmd.arguments(entry.args);
}

/** Options that take a value, whose value is never the command word. */
const VALUE_OPTIONS = new Set(["--url", "--config-dir"]);

/**
 * The top-level command `argv` runs (`help <cmd>` counts as <cmd>), or null for `flare`,
 * `flare --help` and `flare --version`. Global options may come before it.
 */
export function commandWord(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return null;
    if (VALUE_OPTIONS.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith("-")) continue;
    if (word === "help") return argv[i + 1] ?? null;
    return word;
  }
  return null;
}
