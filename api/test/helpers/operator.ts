import { env } from "cloudflare:workers";
import { issueAuthSession } from "../../src/auth/auth-sessions";
import { createTestUser, type TestUser } from "./users";

export const OPERATOR_EMAIL = "operator@example.com";

/** The operator named by OPERATOR_EMAILS in vitest.config.ts; reused when the row exists, with a fresh token. */
export async function operatorUser(): Promise<TestUser> {
  const row = await env.DB.prepare("SELECT u.id, u.current_workspace_id AS ws FROM users u WHERE u.email = ?")
    .bind(OPERATOR_EMAIL)
    .first<{ id: string; ws: string }>();
  if (!row) return createTestUser({ email: OPERATOR_EMAIL });
  const session = await issueAuthSession(env, { userId: row.id, kind: "cli", workspaceId: row.ws });
  return {
    userId: row.id,
    email: OPERATOR_EMAIL,
    workspaceId: row.ws,
    token: session.token,
    headers: { authorization: `Bearer ${session.token}` },
  };
}
