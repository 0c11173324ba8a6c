import type { Command, Option } from "commander";

/** What an argument or option value names, when the API can list them. */
export type NameKind = "sessions" | "templates" | "snapshots";

/** Candidates for the word being typed; names come from `names`, which may ask the API. */
interface CompletionSource {
  names(kind: NameKind): Promise<string[]>;
}

const ARGUMENT_KINDS: Record<string, NameKind> = { session: "sessions", template: "templates", snapshotId: "snapshots" };
const OPTION_KINDS: Record<string, NameKind> = { "--template": "templates", "--session": "sessions" };

const visible = (cmd: Command) => cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden && c.name() !== "help");
const optionFor = (cmd: Command, flag: string): Option | undefined =>
  [...cmd.options, ...(cmd.parent ? cmd.parent.options : [])].find((o) => o.long === flag || o.short === flag);

/**
 * Completes `words` (what follows `flare` on the command line, the last being the word under the
 * cursor, maybe empty) against the command tree: subcommands, options, then session, template
 * and snapshot names where an argument or option takes one.
 */
export async function complete(program: Command, words: string[], source: CompletionSource): Promise<string[]> {
  const current = words.at(-1) ?? "";
  let cmd = program;
  let positional = 0;
  let pendingOption: Option | undefined;
  for (const word of words.slice(0, -1)) {
    if (pendingOption) {
      pendingOption = undefined;
      continue;
    }
    if (word === "--") break;
    if (word.startsWith("-")) {
      const option = optionFor(cmd, word.split("=")[0]!);
      if (option && (option.required || option.optional) && !word.includes("=")) pendingOption = option;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub && positional === 0) cmd = sub;
    else positional++;
  }
  const matching = (values: string[]) => [...new Set(values)].filter((v) => v.startsWith(current)).sort();
  if (pendingOption) {
    const kind = OPTION_KINDS[pendingOption.long ?? ""];
    return kind ? matching(await source.names(kind)) : [];
  }
  if (current.startsWith("-")) return matching(cmd.options.flatMap((o) => (o.hidden ? [] : [o.long ?? o.short ?? ""])));
  const subs = visible(cmd);
  if (subs.length > 0 && positional === 0) return matching(subs.flatMap((c) => [c.name(), ...c.aliases()]));
  const args = cmd.registeredArguments;
  const last = args.at(-1);
  const argument = args[positional] ?? (last?.variadic ? last : undefined);
  const kind = argument ? ARGUMENT_KINDS[argument.name()] : undefined;
  return kind ? matching(await source.names(kind)) : [];
}
