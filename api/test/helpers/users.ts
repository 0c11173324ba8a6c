import { env, exports } from "cloudflare:workers";
import type { Role } from "@burstflare/sdk/states";
import { issueSignIn } from "../../src/auth/sign-ins";
import { newId } from "../../src/lib/crypto";

export interface TestUser {
  userId: string;
  email: string;
  workspaceId: string;
  token: string;
  headers: Record<string, string>;
}

/**
 * A user with a personal workspace (or a role in an existing one) and a CLI bearer token,
 * written straight to D1 so tests of other areas need not go through passkeys.
 */
export async function createTestUser(opts: { email?: string; workspaceId?: string; role?: Role } = {}): Promise<TestUser> {
  const userId = newId("usr");
  const email = opts.email ?? `${userId.toLowerCase()}@example.com`;
  const t = Date.now();
  await env.DB.prepare("INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)")
    .bind(userId, email, email.split("@")[0], t)
    .run();
  let workspaceId = opts.workspaceId;
  if (!workspaceId) {
    workspaceId = newId("ws");
    await env.DB.prepare("INSERT INTO workspaces (id, name, owner_id, personal, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)")
      .bind(workspaceId, `${email}'s workspace`, userId, t, t)
      .run();
  }
  await env.DB.prepare("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)")
    .bind(workspaceId, userId, opts.workspaceId ? (opts.role ?? "member") : "owner", t)
    .run();
  await env.DB.prepare("UPDATE users SET current_workspace_id = ? WHERE id = ?").bind(workspaceId, userId).run();
  const session = await issueSignIn(env, { userId, kind: "cli", workspaceId });
  return { userId, email, workspaceId, token: session.token, headers: { authorization: `Bearer ${session.token}` } };
}

/** Calls the Worker like a client would; JSON bodies are serialised. */
export async function call(
  method: string,
  path: string,
  opts: { user?: TestUser; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.user?.headers ?? {}), ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof opts.body === "string" || opts.body instanceof Uint8Array ? (opts.body as BodyInit) : JSON.stringify(opts.body);
  }
  return exports.default.fetch(new Request(`http://localhost:8787${path}`, { method, headers, body }));
}
