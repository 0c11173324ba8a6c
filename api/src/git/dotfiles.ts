import type { GitSource } from "@burstflare/sdk/schemas/git";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import type { SecretMask } from "../lib/secret-mask";
import { iso, now } from "../lib/time";
import { type BootContext, execInRuntime } from "../sessions/boot";
import { runtimeSecretMask } from "../sessions/runtime-secrets";
import type { FetchAgent } from "../snapshots/store";
import { userInWorkspace } from "./credentials";
import { findSessionOwnership, findUserDotfiles, upsertSessionDotfilesRun } from "./git-account-repo";

/**
 * Dotfiles: the session owner's dotfiles repository is cloned into `~/.dotfiles` (HOME is the
 * workspace) on the session's first start, then the first of install.sh / setup.sh / bootstrap.sh
 * it holds runs there; without one, its dot-files are linked into HOME (existing files are kept).
 * `.dotfiles/.git` marks a session as done, so later starts skip it. The outcome and the tail of
 * the output are kept per session (`session_dotfiles`) for the startup card. URL and ref travel as
 * environment variables; the owner's git token reaches git through the credential helper.
 */
const SCRIPT = [
  'd="$HOME/.dotfiles"',
  'if [ -e "$d/.git" ]; then echo "dotfiles already applied"; exit 0; fi',
  'if [ -n "$BF_DOT_REF" ]; then set -- --branch "$BF_DOT_REF"; else set --; fi',
  'echo "==> cloning $BF_DOT_URL"',
  'GIT_TERMINAL_PROMPT=0 git clone -q --depth 1 "$@" -- "$BF_DOT_URL" "$d" || exit $?',
  'cd "$d" || exit 1',
  "for s in install.sh install setup.sh setup bootstrap.sh bootstrap; do",
  '  if [ -f "$s" ]; then echo "==> running $s"; chmod +x "$s" 2>/dev/null; ./"$s"; exit $?; fi',
  "done",
  'echo "==> no install script: linking dotfiles into $HOME"',
  "for f in .[!.]* ..?*; do",
  '  [ -e "$f" ] || continue',
  '  case "$f" in .git|.github|.gitignore|.gitmodules) continue;; esac',
  '  if [ -e "$HOME/$f" ] || [ -L "$HOME/$f" ]; then echo "kept existing ~/$f"; else ln -s "$d/$f" "$HOME/$f" && echo "linked ~/$f"; fi',
  "done",
].join("\n");

const OUTPUT_KEPT = 4000;

export async function getUserDotfiles(env: AppBindings, userId: string): Promise<(GitSource & { updatedAt: string }) | null> {
  const row = await findUserDotfiles(dbOf(env), userId);
  return row ? { url: row.url, ...(row.ref ? { ref: row.ref } : {}), updatedAt: iso(row.updatedAt) ?? "" } : null;
}

export async function applyDotfiles(
  env: AppBindings,
  session: { id: string; workspaceId: string; ownerId: string },
  fetchAgent: FetchAgent,
  source: GitSource,
  /** The runtime's secrets, when the caller has them already (the boot does). */
  knownMask?: SecretMask,
): Promise<{ ok: boolean; output: string }> {
  const result = await execInRuntime(fetchAgent, SCRIPT, { BF_DOT_URL: source.url, BF_DOT_REF: source.ref ?? "" });
  // The output is kept for everyone with runtime access and goes into session warnings: no secret values.
  const mask = knownMask ?? (await runtimeSecretMask(env, session.workspaceId, session.ownerId));
  const output = mask.tail(result.output, OUTPUT_KEPT, result.cut).replace(/\r/g, "\n");
  const sessionId = session.id;
  const ok = result.code === 0;
  // Applied at an earlier start: the kept output of that run stays what the card shows.
  if (ok && output.trim() === "dotfiles already applied") return { ok, output };
  await upsertSessionDotfilesRun(dbOf(env), sessionId, { url: source.url, status: ok ? "applied" : "failed", output, at: now() });
  return { ok, output };
}

/** Boot step: the owner's dotfiles, when they set some (first start only; the script skips after). */
export async function dotfilesAtBoot(ctx: BootContext): Promise<void> {
  const owner = await findSessionOwnership(dbOf(ctx.env), ctx.session.id);
  // An owner who left the workspace takes their dotfiles with them (api/src/git/credentials.ts).
  const source =
    owner && (await userInWorkspace(ctx.env, owner.ownerId, owner.workspaceId)) ? await getUserDotfiles(ctx.env, owner.ownerId) : null;
  if (!source || !owner) return;
  await ctx.phase("bootstrapping", `dotfiles from ${source.url}`);
  const { ok, output } = await applyDotfiles(ctx.env, { id: ctx.session.id, ...owner }, ctx.fetchAgent, source, ctx.mask);
  if (!ok) await ctx.warn(`dotfiles from ${source.url} failed: ${output.slice(-500)}`);
}
