import type { DeletedItem } from "../../../sdk/schemas/admin";
import type { AppBindings } from "../env";
import { iso } from "../lib/time";
import { opsPolicy } from "./policy";

const LIMIT = 200;

/** What an operator can still restore (deleted, not yet purged), newest first. */
export async function listDeleted(env: AppBindings, workspaceId?: string): Promise<DeletedItem[]> {
  const retention = opsPolicy(env).deletedRetentionMs;
  const filter = workspaceId ? "AND workspace_id = ?" : "";
  const args = workspaceId ? [workspaceId] : [];
  const sql = `SELECT 'workspace' AS kind, id, id AS workspace_id, name, deleted_at FROM workspaces WHERE deleted_at IS NOT NULL ${workspaceId ? "AND id = ?" : ""}
    UNION ALL SELECT 'session', id, workspace_id, name, deleted_at FROM sessions WHERE deleted_at IS NOT NULL ${filter}
    UNION ALL SELECT 'template', id, workspace_id, name, deleted_at FROM templates WHERE deleted_at IS NOT NULL ${filter}
    UNION ALL SELECT 'snapshot', id, workspace_id, COALESCE(label, kind), deleted_at FROM snapshots WHERE deleted_at IS NOT NULL ${filter}
    ORDER BY deleted_at DESC LIMIT ${LIMIT}`;
  const { results } = await env.DB.prepare(sql)
    .bind(...args, ...args, ...args, ...args)
    .all<{ kind: DeletedItem["kind"]; id: string; workspace_id: string | null; name: string | null; deleted_at: number }>();
  return results.map((r) => ({
    kind: r.kind,
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    deletedAt: iso(r.deleted_at) ?? "",
    purgeAfter: iso(r.deleted_at + retention) ?? "",
  }));
}
