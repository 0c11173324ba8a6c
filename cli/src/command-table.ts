import type { Command } from "commander";
import type { App } from "./app";
import type { FlareCommand } from "./flare-command";

type Register = (program: FlareCommand, app: App) => void;

/** The module that defines each top-level command, imported only when that command runs (main.ts). */
const LOADERS = new Map<string, () => Promise<Register>>([
  ["auth", async () => (await import("./commands/auth")).registerAuth],
  ["workspace", async () => (await import("./commands/workspace")).registerWorkspace],
  ["template", async () => (await import("./commands/template")).registerTemplate],
  ["build", async () => (await import("./commands/build")).registerBuild],
  ["session", async () => (await import("./commands/session")).registerSession],
  ["snapshot", async () => (await import("./commands/snapshot")).registerSnapshot],
  ["share", async () => (await import("./commands/share")).registerShare],
  ["ports", async () => (await import("./commands/ports")).registerPorts],
  ["git", async () => (await import("./commands/git")).registerGit],
  ["dotfiles", async () => (await import("./commands/dotfiles")).registerDotfiles],
  ["export", async () => (await import("./commands/export")).registerExport],
  ["admin", async () => (await import("./commands/admin")).registerAdmin],
  ["ssh", async () => (await import("./commands/ssh")).registerSSH],
  ["ssh-proxy", async () => (await import("./commands/ssh-proxy")).registerSSHProxy],
  ["config-ssh", async () => (await import("./commands/config-ssh")).registerConfigSSH],
  ["doctor", async () => (await import("./commands/doctor")).registerDoctor],
  ["mcp", async () => (await import("./commands/mcp")).registerMcp],
  ["completion", async () => (await import("./commands/completion")).registerCompletion],
  ["__complete", async () => (await import("./commands/completion")).registerCompletion],
]);

interface Listing {
  name: string;
  aliases?: string[];
  description: string;
  /** The arguments as the full command declares them, for the overview's usage column. */
  args?: string[];
  hidden?: boolean;
}

interface CommandEntry extends Listing {
  load(): Promise<Register>;
}

/**
 * Every top-level command, as `flare --help` lists it. Only the command being run is loaded
 * (main.ts): the rest appear as these entries, so `flare --help` and `flare ssh-proxy` never load
 * zod or the other commands. command-table.test.ts keeps each entry equal to what its module registers.
 */
const LISTINGS: Listing[] = [
  { name: "auth", description: "Sign in and out, and see who you are" },
  { name: "workspace", aliases: ["ws"], description: "Workspaces you belong to, their members and invites" },
  { name: "template", aliases: ["templates"], description: "Versioned templates sessions start from" },
  { name: "build", aliases: ["builds"], description: "Template builds: list, logs, retries" },
  { name: "session", aliases: ["sessions"], description: "Dev sessions: create, start, stop, watch" },
  { name: "snapshot", aliases: ["snapshots"], description: "Snapshots of a session's persisted paths" },
  { name: "share", aliases: ["shares"], description: "Links to a session's preview for other people" },
  { name: "ports", aliases: ["port"], description: "TCP ports listening in a session" },
  { name: "git", description: "Your git token, and cloning a session's repository" },
  { name: "dotfiles", description: "Your dotfiles repository, applied on the first start of each of your sessions" },
  { name: "export", description: "Export the current workspace's records (owners) and download the JSON document" },
  { name: "admin", description: "Operator tools (operators only)" },
  {
    name: "ssh",
    description: "Open an SSH connection (or run a command) in a session, waking it if it sleeps",
    args: ["<session>", "[command...]"],
  },
  {
    name: "ssh-proxy",
    description: "Bridge stdin/stdout to a session's SSH tunnel (used as ssh's ProxyCommand; stdout carries SSH bytes only)",
    args: ["<session>"],
  },
  {
    name: "config-ssh",
    description: "Write Host <session>.burstflare entries into ~/.ssh/config so plain ssh, scp, rsync and ssh -L work",
  },
  { name: "doctor", description: "Check this machine, the server's health and your sign-in, and say what to fix" },
  { name: "mcp", description: "Serve the Model Context Protocol over stdio: BurstFlare sessions as tools for coding agents" },
  {
    name: "completion",
    description: "Print the shell completion script (commands, options, and session, template and snapshot names)",
    args: ["<shell>"],
  },
  {
    name: "__complete",
    description: "Candidates for the word being completed (used by the completion scripts)",
    args: ["[words...]"],
    hidden: true,
  },
];

export const COMMANDS: CommandEntry[] = LISTINGS.map((listing) => {
  const load = LOADERS.get(listing.name);
  if (!load) throw new Error(`no module defines the command ${listing.name}`);
  return { ...listing, load };
});

/** Adds the command as the overview shows it; it has no subcommands, options or action of its own. */
export function addListing(program: Command, entry: CommandEntry): void {
  const cmd = program.command(entry.name, { hidden: entry.hidden ?? false }).description(entry.description);
  if (entry.aliases?.length) cmd.aliases(entry.aliases);
  for (const arg of entry.args ?? []) cmd.argument(arg);
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
