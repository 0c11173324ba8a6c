import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { requireSession } from "../records";

/** The session a route's path names (`{sessionId}`), found in the caller's current workspace or not found. */
export async function pathSession(c: Context<AppEnv, string, { out: { param: { sessionId: string } } }>) {
  const auth = c.get("auth");
  const { sessionId: id } = c.req.valid("param");
  const row = await requireSession(c.env, auth.workspaceId, id);
  return { auth, id, row };
}
