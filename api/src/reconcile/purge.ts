import { purgeTemplate } from "../templates/delete";
import { deletePrefix } from "./r2";
import { ageDays, type Plan, type PlannedAction, type ReconcileContext } from "./types";

/**
 * Deleted things past the retention window (DELETED_RETENTION_DAYS) lose their rows and R2
 * objects. Until then an operator can restore them (api/src/admin/restore.ts). Each purge
 * re-checks deleted_at against the cutoff, so a restore that lands in between wins.
 */
interface Deleted {
  id: string;
  workspace_id: string | null;
  deleted_at: number;
}

const snapshotsPrefix = (workspaceId: string, sessionId: string) => `snapshots/${workspaceId}/${sessionId}/`;

async function stillDeleted(ctx: ReconcileContext, table: string, id: string, cutoff: number): Promise<boolean> {
  const row = await ctx.env.DB.prepare(`SELECT 1 AS ok FROM ${table} WHERE id = ? AND deleted_at IS NOT NULL AND deleted_at < ?`)
    .bind(id, cutoff)
    .first();
  return row !== null;
}

async function due(ctx: ReconcileContext, sql: string, cutoff: number): Promise<Deleted[]> {
  const { results } = await ctx.env.DB.prepare(`${sql} ORDER BY deleted_at LIMIT ?`).bind(cutoff, ctx.policy.maxPurges).all<Deleted>();
  return results;
}

function action(ctx: ReconcileContext, kind: PlannedAction["kind"], targetType: string, row: Deleted, apply: PlannedAction["apply"]) {
  return {
    kind,
    targetType,
    targetId: row.id,
    workspaceId: row.workspace_id,
    reason: `deleted ${ageDays(ctx.now, row.deleted_at)} ago, past the ${ageDays(0, ctx.policy.deletedRetentionMs)} retention window`,
    apply,
  } satisfies PlannedAction;
}

export async function planPurges(ctx: ReconcileContext): Promise<Plan> {
  const env = ctx.env;
  const cutoff = ctx.now - ctx.policy.deletedRetentionMs;
  const actions: PlannedAction[] = [];

  // Workspaces first: their purge takes their sessions, templates and snapshots along.
  const workspaces = await due(
    ctx,
    "SELECT id, id AS workspace_id, deleted_at FROM workspaces WHERE deleted_at IS NOT NULL AND deleted_at < ?",
    cutoff,
  );
  for (const w of workspaces) {
    actions.push(
      action(ctx, "workspace_purge", "workspace", w, async () => {
        if (!(await stillDeleted(ctx, "workspaces", w.id, cutoff))) return "noop";
        // Runtimes go first (reconcile's session_stop_deleted); a session still live waits for the next run.
        const live = await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE workspace_id = ? AND state != 'deleted'")
          .bind(w.id)
          .first<{ n: number }>();
        if ((live?.n ?? 0) > 0) return "noop";
        for (const prefix of ["snapshots", "templates", "builds", "exports"]) await deletePrefix(env.BUCKET, `${prefix}/${w.id}/`);
        const inTemplates = "template_id IN (SELECT id FROM templates WHERE workspace_id = ?)";
        await env.DB.batch([
          env.DB.prepare("DELETE FROM snapshots WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM upload_grants WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare(`DELETE FROM template_builds WHERE ${inTemplates}`).bind(w.id),
          env.DB.prepare(`DELETE FROM template_releases WHERE ${inTemplates}`).bind(w.id),
          env.DB.prepare(`DELETE FROM template_versions WHERE ${inTemplates}`).bind(w.id),
          env.DB.prepare("DELETE FROM templates WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM sessions WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM workspace_secrets WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM quota_overrides WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM invites WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM api_tokens WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM memberships WHERE workspace_id = ?").bind(w.id),
          env.DB.prepare("DELETE FROM workspaces WHERE id = ? AND deleted_at IS NOT NULL").bind(w.id),
        ]);
        return "done";
      }),
    );
  }
  const skipWorkspaces = new Set(workspaces.map((w) => w.id));

  const sessions = await due(
    ctx,
    "SELECT id, workspace_id, deleted_at FROM sessions WHERE deleted_at IS NOT NULL AND state = 'deleted' AND deleted_at < ?",
    cutoff,
  );
  for (const s of sessions.filter((s) => !skipWorkspaces.has(s.workspace_id ?? ""))) {
    actions.push(
      action(ctx, "session_purge", "session", s, async () => {
        if (!(await stillDeleted(ctx, "sessions", s.id, cutoff))) return "noop";
        await deletePrefix(env.BUCKET, snapshotsPrefix(s.workspace_id ?? "", s.id));
        await env.DB.batch([
          env.DB.prepare("DELETE FROM snapshots WHERE session_id = ?").bind(s.id),
          env.DB.prepare("DELETE FROM sessions WHERE id = ? AND state = 'deleted'").bind(s.id),
        ]);
        return "done";
      }),
    );
  }
  const skipSessions = new Set(sessions.map((s) => s.id));

  const snapshots = await ctx.env.DB.prepare(
    `SELECT id, workspace_id, deleted_at, session_id, r2_key FROM snapshots sn WHERE deleted_at IS NOT NULL AND deleted_at < ?
     AND NOT EXISTS (SELECT 1 FROM snapshots d WHERE d.base_id = sn.id)
     ORDER BY deleted_at LIMIT ?`,
  )
    .bind(cutoff, ctx.policy.maxPurges)
    .all<Deleted & { session_id: string; r2_key: string }>();
  for (const snap of snapshots.results.filter((x) => !skipSessions.has(x.session_id) && !skipWorkspaces.has(x.workspace_id ?? ""))) {
    actions.push(
      action(ctx, "snapshot_purge", "snapshot", snap, async () => {
        if (!(await stillDeleted(ctx, "snapshots", snap.id, cutoff))) return "noop";
        // A base is purged only after the increments that need it (the query skips it until then).
        await env.BUCKET.delete([snap.r2_key, snap.r2_key.replace(/\.tar\.gz$/, ".manifest.json")]);
        await env.DB.prepare("DELETE FROM snapshots WHERE id = ? AND deleted_at IS NOT NULL").bind(snap.id).run();
        return "done";
      }),
    );
  }

  const templates = await due(
    ctx,
    "SELECT id, workspace_id, deleted_at FROM templates WHERE deleted_at IS NOT NULL AND builtin = 0 AND deleted_at < ?",
    cutoff,
  );
  for (const t of templates.filter((t) => !skipWorkspaces.has(t.workspace_id ?? ""))) {
    actions.push(
      action(ctx, "template_purge", "template", t, async () => {
        if (!(await stillDeleted(ctx, "templates", t.id, cutoff))) return "noop";
        const purged = await purgeTemplate(env, t);
        return purged ? "done" : "noop";
      }),
    );
  }

  const truncated = [workspaces, sessions, snapshots.results, templates].some((list) => list.length === ctx.policy.maxPurges);
  return { actions, truncated };
}
