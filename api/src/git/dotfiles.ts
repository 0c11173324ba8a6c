import type { GitSource } from "../../../sdk/schemas/git";
import type { AppBindings } from "../env";
import { iso, now } from "../lib/time";
import { type BootContext, execInRuntime } from "../sessions/boot";
import type { FetchAgent } from "../snapshots/store";
import { userInWorkspace } from "./credentials";

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
  const row = await env.DB.prepare("SELECT url, ref, updated_at FROM user_dotfiles WHERE user_id = ?")
    .bind(userId)
    .first<{ url: string; ref: string | null; updated_at: number }>();
  return row ? { url: row.url, ...(row.ref ? { ref: row.ref } : {}), updatedAt: iso(row.updated_at) ?? "" } : null;
}

export async function applyDotfiles(
  env: AppBindings,
  sessionId: string,
  fetchAgent: FetchAgent,
  source: GitSource,
): Promise<{ ok: boolean; output: string }> {
  const result = await execInRuntime(fetchAgent, SCRIPT, { BF_DOT_URL: source.url, BF_DOT_REF: source.ref ?? "" });
  const output = result.output.replace(/\r/g, "\n").slice(-OUTPUT_KEPT);
  const ok = result.code === 0;
  // Applied at an earlier start: the kept output of that run stays what the card shows.
  if (ok && output.trim() === "dotfiles already applied") return { ok, output };
  await env.DB.prepare(
    `INSERT INTO session_dotfiles (session_id, url, status, output, at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET url = excluded.url, status = excluded.status, output = excluded.output, at = excluded.at`,
  )
    .bind(sessionId, source.url, ok ? "applied" : "failed", output, now())
    .run();
  return { ok, output };
}

/** Boot step: the owner's dotfiles, when they set some (first start only; the script skips after). */
export async function dotfilesAtBoot(ctx: BootContext): Promise<void> {
  const owner = await ctx.env.DB.prepare("SELECT owner_id, workspace_id FROM sessions WHERE id = ?")
    .bind(ctx.session.id)
    .first<{ owner_id: string; workspace_id: string }>();
  // An owner who left the workspace takes their dotfiles with them (api/src/git/credentials.ts).
  const source =
    owner && (await userInWorkspace(ctx.env, owner.owner_id, owner.workspace_id)) ? await getUserDotfiles(ctx.env, owner.owner_id) : null;
  if (!source) return;
  await ctx.phase("bootstrapping", `dotfiles from ${source.url}`);
  const { ok, output } = await applyDotfiles(ctx.env, ctx.session.id, ctx.fetchAgent, source);
  if (!ok) await ctx.warn(`dotfiles from ${source.url} failed: ${output.slice(-500)}`);
}
