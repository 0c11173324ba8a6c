import { env, exports } from "cloudflare:workers";
import type { Role } from "@burstflare/sdk/states";
import { issueSignIn } from "../../src/auth/sign-ins";
import { insertUserStatement } from "../../src/auth/users-repo";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { insertMemberStatement } from "../../src/workspaces/members-repo";
import { insertPersonalWorkspaceStatement } from "../../src/workspaces/workspaces-repo";

export interface TestUser {
  userId: string;
  email: string;
  workspaceId: string;
  token: string;
  headers: Record<string, string>;
}

/**
 * A user with a personal workspace (or a role in an existing one) and a CLI bearer token,
 * made by the data layer's sign-up statements (as operator seeding's seedUser does) so tests
 * of other areas need not go through passkeys. Unlike seedUser it accepts an OPERATOR_EMAILS
 * address: createOperator proves one afterwards.
 */
export async function createTestUser(opts: { email?: string; workspaceId?: string; role?: Role } = {}): Promise<TestUser> {
  const userId = newId("usr");
  const email = opts.email ?? `${userId.toLowerCase()}@example.com`;
  const t = Date.now();
  const db = dbOf(env);
  const workspaceId = opts.workspaceId ?? newId("ws");
  const name = email.split("@")[0] ?? "test";
  await db.batch([
    insertUserStatement(db, { id: userId, email, name, currentWorkspaceId: workspaceId, createdAt: t }),
    ...(opts.workspaceId
      ? []
      : [insertPersonalWorkspaceStatement(db, { id: workspaceId, name: `${email}'s workspace`, ownerId: userId, createdAt: t })]),
    insertMemberStatement(db, workspaceId, userId, opts.workspaceId ? (opts.role ?? "member") : "owner", t),
  ]);
  const session = await issueSignIn(env, { userId, kind: "cli", workspaceId });
  return { userId, email, workspaceId, token: session.token, headers: { authorization: `Bearer ${session.token}` } };
}

/**
 * A user whose current workspace is a team workspace it created (POST /api/workspaces) and
 * switched its sign-in to; its personal workspace stays beside it.
 */
export async function createTeamOwner(name: string): Promise<TestUser> {
  const user = await createTestUser();
  const created = await call("POST", "/api/workspaces", { user, body: { name } });
  if (created.status !== 201) throw new Error(`workspace create failed: ${created.status} ${await created.text()}`);
  const workspaceId = ((await created.json()) as { workspace: { id: string } }).workspace.id;
  const switched = await call("POST", "/api/auth/switch-workspace", { user, body: { workspaceId } });
  if (switched.status !== 200) throw new Error(`workspace switch failed: ${switched.status} ${await switched.text()}`);
  return { ...user, workspaceId };
}

/** Gives an existing user a role in a workspace, as accepting an invite's membership statement does. */
export async function addMember(workspaceId: string, userId: string, role: Role): Promise<void> {
  const db = dbOf(env);
  await db.batch([insertMemberStatement(db, workspaceId, userId, role, Date.now())]);
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
