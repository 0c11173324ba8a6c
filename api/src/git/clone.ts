import { type GitSource, gitCloneDir } from "@burstflare/sdk/schemas/git";
import { SecretMask } from "../lib/secret-mask";
import { type BootContext, execInRuntime } from "../sessions/boot";
import type { FetchAgent } from "../snapshots/store";

/** At most one progress update a second reaches the session's events (the startup card). */
const PROGRESS_EVERY_MS = 1000;

/**
 * The clone as one shell command. URL, ref and folder travel as environment variables, so no
 * quoting of user input is needed; `--` ends options. Credentials come from the session's
 * credential helper (GIT_CONFIG_* in its environment, api/src/git/credentials.ts); git never
 * prints them, and GIT_TERMINAL_PROMPT=0 makes a missing token fail instead of waiting on a prompt.
 */
const CLONE = [
  'if [ -e "$BF_CLONE_DIR/.git" ]; then echo "already cloned: $BF_CLONE_DIR"; exit 0; fi',
  'if [ -n "$BF_CLONE_REF" ]; then set -- --branch "$BF_CLONE_REF"; else set --; fi',
  'GIT_TERMINAL_PROMPT=0 git clone --progress "$@" -- "$BF_CLONE_URL" "$BF_CLONE_DIR"',
].join("\n");

interface CloneResult {
  ok: boolean;
  dir: string;
  /** The last lines of git's output (never holds the token: git does not print it). */
  output: string;
}

/**
 * Runs the clone in the runtime; `progress` gets git's latest progress line now and then. `env` adds
 * to the runtime's environment (a build passes the git token here, not at its start); `mask` keeps
 * the secrets of that environment out of the progress and the output, which others read.
 */
export async function runClone(
  fetchAgent: FetchAgent,
  source: GitSource,
  progress: (line: string) => void,
  opts: { env?: Record<string, string>; mask?: SecretMask } = {},
): Promise<CloneResult> {
  const dir = gitCloneDir(source.url);
  const mask = opts.mask ?? new SecretMask([]);
  let last = 0;
  const result = await execInRuntime(
    fetchAgent,
    CLONE,
    { ...opts.env, BF_CLONE_URL: source.url, BF_CLONE_REF: source.ref ?? "", BF_CLONE_DIR: dir },
    (data) => {
      const t = Date.now();
      if (t - last < PROGRESS_EVERY_MS) return;
      // git rewrites its progress line with \r; the newest piece is the one to show.
      const line = data
        .split(/[\r\n]/)
        .filter((l) => l.trim())
        .pop();
      if (!line) return;
      last = t;
      progress(mask.apply(line.trim()).slice(0, 200));
    },
  );
  return {
    ok: result.code === 0,
    dir,
    output: mask
      .tail(result.output, result.output.length, result.cut)
      .split(/[\r\n]/)
      .filter((l) => l.trim())
      .slice(-8)
      .join("\n"),
  };
}

/** Boot step: clone the session's repository (first start only), progress in the startup card. */
export async function cloneGitSource(ctx: BootContext, source: GitSource): Promise<void> {
  const what = `${source.url}${source.ref ? ` (${source.ref})` : ""}`;
  await ctx.phase("bootstrapping", `cloning ${what}`);
  const pending: Promise<void>[] = [];
  const result = await runClone(
    ctx.fetchAgent,
    source,
    (line) => {
      pending.push(ctx.phase("bootstrapping", `cloning ${what}: ${line}`).catch(() => {}));
    },
    { mask: ctx.mask },
  );
  await Promise.all(pending);
  // A version whose prebuild cloned the repository (or a restart) finds it in place: said so, not cloned again.
  if (result.ok && result.output.startsWith("already cloned")) await ctx.phase("bootstrapping", `${result.dir} already holds ${what}`);
  else if (result.ok) await ctx.phase("bootstrapping", `cloned ${what} into ${result.dir}`);
  // A failed clone leaves the session usable (fix the token, then `flare git clone`), like a failed bootstrap.
  else await ctx.warn(`git clone of ${what} failed: ${result.output.slice(-500)}`);
}
