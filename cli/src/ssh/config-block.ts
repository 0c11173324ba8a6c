/**
 * The block `flare config-ssh` owns inside ~/.ssh/config. Everything outside the two marker lines
 * belongs to the user and is preserved byte for byte; the block is replaced in place on update
 * and appended at the end the first time (ssh applies the first value it reads, so the user's
 * own earlier `Host` settings keep priority).
 */
export const BEGIN_MARKER = "# ------------ BEGIN BURSTFLARE (managed by `flare config-ssh`; edits here are overwritten) ------------";
export const END_MARKER = "# ------------ END BURSTFLARE ------------";

export interface HostEntry {
  /** The Host pattern(s), e.g. `dev.burstflare` or `*.burstflare`. */
  host: string;
  /** Patterns the entry must not match (written as quoted `"!pattern"` after the host). */
  exclude?: string[];
  options: [keyword: string, value: string][];
}

export class SSHConfigError extends Error {}

interface Span {
  start: number;
  end: number;
}

/** Offsets of the managed block, including its END line's newline; null when absent. */
export function findBlock(config: string): Span | null {
  const begin = lineIndex(config, BEGIN_MARKER);
  const end = lineIndex(config, END_MARKER);
  if (begin === -1 && end === -1) return null;
  if (begin === -1 || end === -1 || end < begin) {
    throw new SSHConfigError("the BurstFlare block in the ssh config is damaged (a marker line is missing); fix or delete it by hand");
  }
  if (lineIndex(config, BEGIN_MARKER, begin + 1) !== -1) {
    throw new SSHConfigError("the ssh config has two BurstFlare blocks; delete one by hand");
  }
  let stop = end + END_MARKER.length;
  if (config.startsWith("\r\n", stop)) stop += 2;
  else if (config[stop] === "\n") stop += 1;
  return { start: begin, end: stop };
}

/** Index of a line equal to `line` (ignoring trailing whitespace), from `from`; -1 if none. */
function lineIndex(config: string, line: string, from = 0): number {
  let i = from;
  while (i <= config.length) {
    const next = config.indexOf(line, i);
    if (next === -1) return -1;
    const atLineStart = next === 0 || config[next - 1] === "\n";
    const after = config.slice(next + line.length).match(/^[ \t]*(\r?\n|$)/);
    if (atLineStart && after) return next;
    i = next + 1;
  }
  return -1;
}

/** Quotes a value for ssh_config when it holds spaces or quotes. */
export function quoteConfigValue(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/(["\\])/g, "\\$1")}"` : value;
}

/** Quotes one word for the POSIX shell ssh runs ProxyCommand with. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function renderBlock(entries: HostEntry[], comment: string[] = []): string {
  const lines = [BEGIN_MARKER, ...comment.map((c) => `# ${c}`)];
  for (const entry of entries) {
    const negated = (entry.exclude ?? []).map((p) => ` "!${p}"`).join("");
    lines.push(`Host ${entry.host}${negated}`);
    for (const [k, v] of entry.options) lines.push(`  ${k} ${v}`);
  }
  lines.push(END_MARKER);
  return `${lines.join("\n")}\n`;
}

/** The config with the block inserted or replaced; the rest is untouched. */
export function upsertBlock(config: string, block: string): string {
  const span = findBlock(config);
  if (span) return config.slice(0, span.start) + block + config.slice(span.end);
  if (config.length === 0) return block;
  const sep = config.endsWith("\n\n") ? "" : config.endsWith("\n") ? "\n" : "\n\n";
  return config + sep + block;
}

/** The config without the block (and without the blank line upsertBlock put before it). */
export function removeBlock(config: string): string {
  const span = findBlock(config);
  if (!span) return config;
  let before = config.slice(0, span.start);
  const after = config.slice(span.end);
  if (after.length === 0 && before.endsWith("\n\n")) before = before.slice(0, -1);
  return before + after;
}
