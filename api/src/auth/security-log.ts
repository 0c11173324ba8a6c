import type { Context } from "hono";
import type { AppEnv } from "../env";
import { writeAudit } from "../lib/audit";

/**
 * A failed sign-in is made by whoever holds the request, usually not the account's holder, so it
 * is recorded in the operators' security log (audit rows with no workspace and no actor), never
 * in the targeted user's workspace audit, which a stranger could otherwise fill at will.
 */
export function auditFailedSignIn(
  c: Context<AppEnv>,
  entry: { targetType: string; targetId: string | null; targetUserId: string | null; details: Record<string, unknown> },
): Promise<void> {
  return writeAudit(c.env, {
    action: "auth.signin_failed",
    actorId: null,
    workspaceId: null,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: { ...entry.details, targetUserId: entry.targetUserId },
    ip: c.req.header("cf-connecting-ip") ?? null,
    requestId: c.get("requestId"),
  });
}
