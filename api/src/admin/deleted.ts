import type { DeletedItem } from "@burstflare/sdk/schemas/admin";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { iso } from "../lib/time";
import { opsPolicy } from "./policy";
import { listDeletedRows } from "./trash-repo";

const LIMIT = 200;

/** What an operator can still restore (deleted, not yet purged), newest first. */
export async function listDeleted(env: AppBindings, workspaceId?: string): Promise<DeletedItem[]> {
  const retention = opsPolicy(env).deletedRetentionMs;
  const rows = await listDeletedRows(dbOf(env), LIMIT, workspaceId);
  return rows.map((r) => ({
    kind: r.kind,
    id: r.id,
    workspaceId: r.workspaceId,
    name: r.name,
    deletedAt: iso(r.deletedAt) ?? "",
    purgeAfter: iso(r.deletedAt + retention) ?? "",
  }));
}
