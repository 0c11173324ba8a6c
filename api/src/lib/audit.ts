import type { Context } from "hono";
import type { AppBindings, AppEnv } from "../env";
import { insertAudit, type NewAuditRecord } from "../workspaces/audit-repo";
import { newId } from "./crypto";
import { dbOf } from "./db";
import { now } from "./time";

/** What a caller says of an audited action; the id and time are added when it is written. */
type AuditEntry = Omit<NewAuditRecord, "id" | "createdAt">;

/** Writes one audit record. Actions are dotted: `auth.signin`, `session.start`, `build.retry`. */
export async function writeAudit(env: AppBindings, entry: AuditEntry): Promise<void> {
  await insertAudit(dbOf(env), { ...entry, id: newId("aud"), createdAt: now() });
}

/** Audit from a request: actor, workspace, ip and request id come from the context. */
export function audit(c: Context<AppEnv>, entry: Omit<AuditEntry, "ip" | "requestId">): Promise<void> {
  const auth = c.get("auth");
  return writeAudit(c.env, {
    workspaceId: auth?.workspaceId,
    actorId: auth?.userId,
    ...entry,
    ip: c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for") ?? null,
    requestId: c.get("requestId"),
  });
}
