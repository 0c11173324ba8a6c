import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createBootstrapCode } from "../../src/auth/operator-proof";
import { issueSignIn } from "../../src/auth/sign-ins";
import { call, createTestUser, type TestUser } from "./users";

export const OPERATOR_EMAIL = "operator@example.com";

/**
 * Proves the user's address the way a deployer does: a fresh bootstrap code (what `npm run dev`
 * prints) redeemed over HTTP by the signed-in user. Without it OPERATOR_EMAILS grants nothing.
 */
export async function proveWithBootstrapCode(user: TestUser): Promise<void> {
  const code = await createBootstrapCode(env);
  const res = await call("POST", "/api/admin/bootstrap", { user, body: { code } });
  if (res.status !== 200) throw new Error(`bootstrap redemption failed: ${res.status} ${await res.text()}`);
}

/** A user listed in OPERATOR_EMAILS (vitest.config.ts) whose address is proven, i.e. an operator. */
export async function createOperator(email = OPERATOR_EMAIL): Promise<TestUser> {
  const user = await createTestUser({ email });
  await proveWithBootstrapCode(user);
  return user;
}

/** The operator named by OPERATOR_EMAILS in vitest.config.ts; reused when the row exists, with a fresh token. */
export async function operatorUser(): Promise<TestUser> {
  const row = await env.DB.prepare("SELECT u.id, u.current_workspace_id AS ws FROM users u WHERE u.email = ?")
    .bind(OPERATOR_EMAIL)
    .first<{ id: string; ws: string }>();
  if (!row) return createOperator();
  const session = await issueSignIn(env, { userId: row.id, kind: "cli", workspaceId: row.ws });
  return {
    userId: row.id,
    email: OPERATOR_EMAIL,
    workspaceId: row.ws,
    token: session.token,
    headers: { authorization: `Bearer ${session.token}` },
  };
}

/** An operator-only route: POSTs `path` as `user`, who must be refused (403), then as `operator`; returns the operator's answer. */
export async function postAsOperator(path: string, user: TestUser, operator: TestUser): Promise<Response> {
  expect((await call("POST", path, { user })).status).toBe(403);
  return call("POST", path, { user: operator });
}
