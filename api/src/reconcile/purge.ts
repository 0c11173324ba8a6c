import { dbOf } from "../lib/db";
import { purgeTemplate } from "../templates/delete";
import {
  countUnstoppedSessions,
  type Deleted,
  listDue,
  listDueSnapshots,
  purgeSessionRows,
  purgeSnapshotRow,
  purgeWorkspaceRows,
  stillDeleted,
} from "./purge-repo";
import { deletePrefix } from "./r2";
import { ageDays, type Plan, type PlannedAction, type ReconcileContext } from "./types";

/**
 * Deleted things past the retention window (DELETED_RETENTION_DAYS) lose their rows and R2
 * objects. Until then an operator can restore them (api/src/admin/restore.ts). Each purge
 * re-checks deleted_at against the cutoff, so a restore that lands in between wins.
 */
const snapshotsPrefix = (workspaceId: string, sessionId: string) => `snapshots/${workspaceId}/${sessionId}/`;

function action(ctx: ReconcileContext, kind: PlannedAction["kind"], targetType: string, row: Deleted, apply: PlannedAction["apply"]) {
  return {
    kind,
    targetType,
    targetId: row.id,
    workspaceId: row.workspaceId,
    reason: `deleted ${ageDays(ctx.now, row.deletedAt)} ago, past the ${ageDays(0, ctx.policy.deletedRetentionMs)} retention window`,
    apply,
  } satisfies PlannedAction;
}

export async function planPurges(ctx: ReconcileContext): Promise<Plan> {
  const env = ctx.env;
  const db = dbOf(env);
  const max = ctx.policy.maxPurges;
  const cutoff = ctx.now - ctx.policy.deletedRetentionMs;
  const actions: PlannedAction[] = [];

  // Workspaces first: their purge takes their sessions, templates and snapshots along.
  const workspaces = await listDue(db, "workspaces", cutoff, max);
  for (const w of workspaces) {
    actions.push(
      action(ctx, "workspace_purge", "workspace", w, async () => {
        if (!(await stillDeleted(db, "workspaces", w.id, cutoff))) return "noop";
        // Runtimes go first (reconcile's session_stop_deleted); a session still live waits for the next run.
        if ((await countUnstoppedSessions(db, w.id)) > 0) return "noop";
        for (const prefix of ["snapshots", "templates", "builds", "exports"]) await deletePrefix(env.BUCKET, `${prefix}/${w.id}/`);
        await purgeWorkspaceRows(db, w.id);
        return "done";
      }),
    );
  }
  const skipWorkspaces = new Set(workspaces.map((w) => w.id));

  const sessions = await listDue(db, "sessions", cutoff, max);
  for (const s of sessions.filter((s) => !skipWorkspaces.has(s.workspaceId ?? ""))) {
    actions.push(
      action(ctx, "session_purge", "session", s, async () => {
        if (!(await stillDeleted(db, "sessions", s.id, cutoff))) return "noop";
        await deletePrefix(env.BUCKET, snapshotsPrefix(s.workspaceId ?? "", s.id));
        await purgeSessionRows(db, s.id);
        return "done";
      }),
    );
  }
  const skipSessions = new Set(sessions.map((s) => s.id));

  const snapshots = await listDueSnapshots(db, cutoff, max);
  for (const snap of snapshots.filter((x) => !skipSessions.has(x.sessionId) && !skipWorkspaces.has(x.workspaceId ?? ""))) {
    actions.push(
      action(ctx, "snapshot_purge", "snapshot", snap, async () => {
        if (!(await stillDeleted(db, "snapshots", snap.id, cutoff))) return "noop";
        // A base is purged only after the increments that need it (the query skips it until then).
        await env.BUCKET.delete([snap.r2Key, snap.r2Key.replace(/\.tar\.gz$/, ".manifest.json")]);
        await purgeSnapshotRow(db, snap.id);
        return "done";
      }),
    );
  }

  const templates = await listDue(db, "templates", cutoff, max);
  for (const t of templates.filter((t) => !skipWorkspaces.has(t.workspaceId ?? ""))) {
    actions.push(
      action(ctx, "template_purge", "template", t, async () => {
        if (!(await stillDeleted(db, "templates", t.id, cutoff))) return "noop";
        const purged = await purgeTemplate(env, t);
        return purged ? "done" : "noop";
      }),
    );
  }

  const truncated = [workspaces, sessions, snapshots, templates].some((list) => list.length === max);
  return { actions, truncated };
}
