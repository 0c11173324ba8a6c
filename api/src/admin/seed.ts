import { ApiError } from "@burstflare/sdk/errors";
import type { RestorableKind } from "@burstflare/sdk/schemas/admin";
import type { SeededUser, SeedTemplateBody, SeedUserBody } from "@burstflare/sdk/schemas/seed";
import { isOperatorEmail } from "../auth/operator-proof";
import { issueSignIn } from "../auth/sign-ins";
import { insertUserStatement } from "../auth/users-repo";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { iso, now } from "../lib/time";
import { findRole, insertMemberStatement } from "../workspaces/members-repo";
import { sealSecret, tooManySecrets } from "../workspaces/secrets";
import { upsertSecret } from "../workspaces/secrets-repo";
import { insertPersonalWorkspaceStatement } from "../workspaces/workspaces-repo";
import { backdateDeletion, insertActiveTemplate, insertSessionRows, workspaceExists } from "./seed-repo";

/**
 * Operator seeding: fixtures for test stacks, e2e and bench made by the product, so no caller
 * writes SQL or knows how tokens are stored. Reachable only where OPERATOR_SEEDING=1 (test and
 * bench stacks, `npm run dev` when asked) and only by a proven operator (routes/seed.ts).
 */

/** Seeded sign-ins outlive a stack test run (a CLI sign-in is otherwise a 15-minute access token). */
const SEEDED_SIGN_IN_TTL_MS = 24 * 3600 * 1000;

/** Where every seeding route lives (routes/seed.ts); the OpenAPI document hides it while seeding is off. */
export const SEED_PATH_PREFIX = "/api/admin/seed/";

export const seedingEnabled = (env: AppBindings): boolean => (env as { OPERATOR_SEEDING?: string }).OPERATOR_SEEDING === "1";

async function assertWorkspace(env: AppBindings, workspaceId: string): Promise<void> {
  if (!(await workspaceExists(dbOf(env), workspaceId))) throw new ApiError("not_found", "workspace not found");
}

/**
 * A user with a personal workspace (owner) or a role in an existing one, and its sign-ins. Never
 * an operator: an address in OPERATOR_EMAILS is refused, and a seeded address is never proven.
 */
export async function seedUser(env: AppBindings, body: SeedUserBody): Promise<SeededUser> {
  const userId = newId("usr");
  const email = body.email ?? `${userId.toLowerCase()}@example.com`;
  if (isOperatorEmail(env, email)) throw new ApiError("forbidden", "an address in OPERATOR_EMAILS is not seeded: operators sign up");
  const db = dbOf(env);
  if (body.workspaceId) await assertWorkspace(env, body.workspaceId);
  const workspaceId = body.workspaceId ?? newId("ws");
  const role = body.workspaceId ? (body.role ?? "member") : "owner";
  const t = now();
  const name = email.split("@")[0] ?? "seeded";
  try {
    await db.batch([
      insertUserStatement(db, { id: userId, email, name, currentWorkspaceId: workspaceId, createdAt: t }),
      ...(body.workspaceId
        ? []
        : [insertPersonalWorkspaceStatement(db, { id: workspaceId, name: `${name}'s workspace`, ownerId: userId, createdAt: t })]),
      insertMemberStatement(db, workspaceId, userId, role, t),
    ]);
  } catch (err) {
    if (String(err).includes("UNIQUE")) throw new ApiError("conflict", "an account with this email already exists");
    throw err;
  }
  const signIns = [];
  for (const kind of body.signIns ?? ["cli"]) {
    const issued = await issueSignIn(env, { userId, kind, workspaceId, userAgent: "operator-seed", ttlMs: SEEDED_SIGN_IN_TTL_MS });
    signIns.push({ id: issued.id, kind, token: issued.token, expiresAt: iso(issued.expiresAt)! });
  }
  return { userId, email, workspaceId, role, signIns };
}

export async function seedTemplate(
  env: AppBindings,
  body: SeedTemplateBody,
  actorId: string,
): Promise<{ templateId: string; versionId: string }> {
  await assertWorkspace(env, body.workspaceId);
  const templateId = newId("tpl");
  const versionId = newId("tpv");
  const manifest = body.legacyEnv ? { ...body.manifest, env: { ...body.manifest.env, ...body.legacyEnv } } : body.manifest;
  const inserted = await insertActiveTemplate(dbOf(env), {
    id: templateId,
    versionId,
    workspaceId: body.workspaceId,
    name: body.name ?? templateId.toLowerCase().replace(/_/g, "-"),
    manifest,
    createdBy: actorId,
    at: now(),
  });
  if (!inserted) throw new ApiError("conflict", "a template with this name already exists in the workspace");
  return { templateId, versionId };
}

/** Secrets sealed as the product seals them, names checked for shape only: rows as an older API saved them. */
export async function seedSecrets(env: AppBindings, workspaceId: string, secrets: Record<string, string>): Promise<string[]> {
  await assertWorkspace(env, workspaceId);
  const db = dbOf(env);
  const t = now();
  for (const [name, value] of Object.entries(secrets)) {
    const sealed = await sealSecret(env, workspaceId, name, value);
    if (!(await upsertSecret(db, { id: newId("sec"), workspaceId, name, ...sealed, createdAt: t, updatedAt: t }))) throw tooManySecrets();
  }
  return Object.keys(secrets);
}

export async function seedSessions(
  env: AppBindings,
  body: { workspaceId: string; ownerId: string; count: number; namePrefix: string; states?: readonly string[] },
): Promise<number> {
  await assertWorkspace(env, body.workspaceId);
  const db = dbOf(env);
  if (!(await findRole(db, body.workspaceId, body.ownerId))) throw new ApiError("not_found", "the owner is not a member of the workspace");
  return insertSessionRows(db, { ...body, states: body.states ?? ["stopped"], at: now() });
}

const DAY_MS = 24 * 3600 * 1000;

/** Ages a deletion that already happened (the retention window's tests cannot wait days); 404 for anything not deleted. */
export async function seedDeletedAge(env: AppBindings, kind: RestorableKind, id: string, deletedDaysAgo: number): Promise<number> {
  const deletedAt = now() - Math.round(deletedDaysAgo * DAY_MS);
  if (!(await backdateDeletion(dbOf(env), kind, id, deletedAt))) throw new ApiError("not_found", `no deleted ${kind} with this id`);
  return deletedAt;
}
