import path from "node:path";
import { ApiClient } from "@burstflare/sdk/client";
import { type SeededUser, type SeedUserBody, seededUserSchema } from "@burstflare/sdk/schemas/seed";
import type { Role } from "@burstflare/sdk/states";
import { inject } from "vitest";
import { TEST_RUN_TAG } from "../../ports";

const ROOT = path.resolve(import.meta.dirname, "../../..");
/** The D1, KV and R2 state of the stack started by test/stack/global-setup.ts (read by tests that inspect storage). */
export const STACK_STATE_DIR = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-state`);

export interface StackUser {
  userId: string;
  email: string;
  workspaceId: string;
  token: string;
  headers: Record<string, string>;
}

/** The stack's one operator: the global setup signed it up with the stack's bootstrap code. */
export function stackOperator(): StackUser {
  const op = inject("operator");
  return { ...op, headers: { authorization: `Bearer ${op.token}` } };
}

/** The operator's client for seeding routes (api/src/admin/routes/seed.ts), answers checked against their schemas. */
export const seedClient = (): ApiClient =>
  new ApiClient({ baseURL: inject("baseURL"), headers: () => stackOperator().headers, validate: true });

/** A seeded user with the sign-ins asked for (default one CLI token), through POST /api/admin/seed/users. */
export async function seedUser(body: SeedUserBody): Promise<SeededUser> {
  return seedClient().call("POST /api/admin/seed/users", { body, schema: seededUserSchema });
}

/**
 * Users for stack tests without going through passkeys: a user with a personal workspace (or a
 * role in an existing one) and a CLI bearer token valid for a day, made by the operator seeding route.
 */
export async function createStackUser(opts: { workspaceId?: string; role?: Role; email?: string } = {}): Promise<StackUser> {
  const user = await seedUser(opts);
  const token = user.signIns[0]!.token;
  return { userId: user.userId, email: user.email, workspaceId: user.workspaceId, token, headers: { authorization: `Bearer ${token}` } };
}
