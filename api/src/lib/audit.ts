import type { Context } from "hono";
import type { AppBindings, AppEnv } from "../env";
import { newId } from "./crypto";
import { now } from "./time";

export interface AuditEntry {
  action: string;
  workspaceId?: string | null;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  requestId?: string | null;
}

/** Writes one audit record. Actions are dotted: `auth.signin`, `session.start`, `build.retry`. */
export async function writeAudit(env: AppBindings, entry: AuditEntry): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO audit_log (id, workspace_id, actor_id, action, target_type, target_id, details, ip, request_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      newId("aud"),
      entry.workspaceId ?? null,
      entry.actorId ?? null,
      entry.action,
      entry.targetType ?? null,
      entry.targetId ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
      entry.ip ?? null,
      entry.requestId ?? null,
      now(),
    )
    .run();
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
