import type { ReconcileActionKind } from "@burstflare/sdk/schemas/admin";
import { dbOf } from "../lib/db";
import { deleteExpired, type ExpiringTable, listExpiredIds } from "./expiry-repo";
import type { Plan, PlannedAction, ReconcileContext } from "./types";

/**
 * Rows past their expiry, removed in batches (one audited action per batch). Device codes live
 * in KV with a TTL, so KV expires them itself. A sign-in outlives its access token while
 * a refresh token of its family is still valid (the CLI refreshes into it), so only sign-ins
 * without one go.
 */
interface Expiring {
  kind: ReconcileActionKind;
  table: ExpiringTable;
  what: string;
  /** Rows at or before it go; the run's clock unless the table keeps rows for a while. */
  cutoff?: (ctx: ReconcileContext) => number;
}

const TABLES: Expiring[] = [
  { kind: "upload_grant_expire", table: "upload_grants", what: "upload grants past expiry" },
  { kind: "auth_challenge_expire", table: "auth_challenges", what: "passkey challenges past expiry" },
  { kind: "refresh_token_expire", table: "refresh_tokens", what: "refresh tokens past expiry" },
  { kind: "sign_in_expire", table: "sign_ins", what: "sign-ins past expiry without a live refresh token" },
  {
    kind: "share_access_expire",
    table: "preview_share_access",
    what: "share link access log rows past their retention",
    cutoff: (ctx) => ctx.now - ctx.policy.shareAccessRetentionMs,
  },
  {
    // Every audited request writes a row; this run's own audit rows are new, so never among them.
    kind: "audit_expire",
    table: "audit_log",
    what: "audit log rows past their retention",
    cutoff: (ctx) => ctx.now - ctx.policy.auditRetentionMs,
  },
];

export async function planExpiry(ctx: ReconcileContext): Promise<Plan> {
  const actions: PlannedAction[] = [];
  let truncated = false;
  const limit = ctx.policy.maxPurges * 10;
  const db = dbOf(ctx.env);
  for (const t of TABLES) {
    const cutoff = t.cutoff?.(ctx) ?? ctx.now;
    const ids = await listExpiredIds(db, t.table, cutoff, limit);
    if (ids.length === 0) continue;
    if (ids.length === limit) truncated = true;
    actions.push({
      kind: t.kind,
      targetType: t.table,
      targetId: `${ids.length} rows`,
      workspaceId: null,
      reason: `${ids.length} ${t.what}`,
      details: { count: ids.length },
      apply: async () => {
        // Chunks stay under D1's bound-parameter limit; the WHERE is re-checked per row.
        let deleted = 0;
        for (let i = 0; i < ids.length; i += 50) {
          const chunk = ids.slice(i, i + 50);
          deleted += await deleteExpired(db, t.table, chunk, cutoff);
        }
        return deleted > 0 ? "done" : "noop";
      },
    });
  }
  return { actions, truncated };
}
