import type { ReconcileActionKind } from "../../../sdk/schemas/admin";
import type { Plan, PlannedAction, ReconcileContext } from "./types";

/**
 * Rows past their expiry, removed in batches (one audited action per batch). Device codes live
 * in KV with a TTL, so KV expires them itself. A sign-in outlives its access token while
 * a refresh token of its family is still valid (the CLI refreshes into it), so only sign-ins
 * without one go.
 */
interface ExpiringTable {
  kind: ReconcileActionKind;
  table: string;
  /** WHERE clause over alias `x`; `?1` is the run's clock. */
  where: string;
  what: string;
}

const TABLES: ExpiringTable[] = [
  { kind: "upload_grant_expire", table: "upload_grants", where: "x.expires_at <= ?1", what: "upload grants past expiry" },
  { kind: "auth_challenge_expire", table: "auth_challenges", where: "x.expires_at <= ?1", what: "passkey challenges past expiry" },
  { kind: "refresh_token_expire", table: "refresh_tokens", where: "x.expires_at <= ?1", what: "refresh tokens past expiry" },
  {
    kind: "sign_in_expire",
    table: "sign_ins",
    where: `x.expires_at <= ?1 AND NOT EXISTS (
      SELECT 1 FROM refresh_tokens r WHERE r.sign_in_id = x.id AND r.expires_at > ?1 AND r.revoked_at IS NULL)`,
    what: "sign-ins past expiry without a live refresh token",
  },
];

export async function planExpiry(ctx: ReconcileContext): Promise<Plan> {
  const actions: PlannedAction[] = [];
  let truncated = false;
  const limit = ctx.policy.maxPurges * 10;
  for (const t of TABLES) {
    const { results } = await ctx.env.DB.prepare(`SELECT x.id FROM ${t.table} x WHERE ${t.where} LIMIT ?2`)
      .bind(ctx.now, limit)
      .all<{ id: string }>();
    if (results.length === 0) continue;
    if (results.length === limit) truncated = true;
    const ids = results.map((r) => r.id);
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
          const res = await ctx.env.DB.prepare(
            `DELETE FROM ${t.table} AS x WHERE x.id IN (${chunk.map((_, j) => `?${j + 2}`).join(",")}) AND ${t.where}`,
          )
            .bind(ctx.now, ...chunk)
            .run();
          deleted += res.meta.changes;
        }
        return deleted > 0 ? "done" : "noop";
      },
    });
  }
  return { actions, truncated };
}
