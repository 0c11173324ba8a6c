import type { DeletedItem } from "@burstflare/sdk/schemas/admin";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { opsPolicy } from "./policy";
import { listDeletedItems } from "./trash-repo";

const LIMIT = 200;

/** What an operator can still restore (deleted, not yet purged), newest first. */
export function listDeleted(env: AppBindings, workspaceId?: string): Promise<DeletedItem[]> {
  return listDeletedItems(dbOf(env), { limit: LIMIT, retentionMs: opsPolicy(env).deletedRetentionMs, workspaceId });
}
