import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import type { Role } from "@burstflare/sdk/states";
import { inject } from "vitest";
import { TEST_RUN_TAG } from "../../ports";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");
/** The D1 state of the stack started by test/stack/global-setup.ts. */
export const STACK_STATE_DIR = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-state`);

export interface StackUser {
  userId: string;
  email: string;
  workspaceId: string;
  token: string;
  headers: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`;
const sqlString = (v: string) => `'${v.replace(/'/g, "''")}'`;
/** Same hashing as api/src/auth/tokens.ts hashToken. */
const hashToken = (token: string) => createHash("sha256").update(`bf-token:${token}`).digest("hex");

/** How often a write that met wrangler dev's own write lock is tried again. */
const BUSY_ATTEMPTS = 5;

/**
 * Runs SQL against the stack's local D1 (the same sqlite files wrangler dev serves). wrangler dev
 * holds sqlite's write lock while it writes, so a second writer can be told SQLITE_BUSY: that one
 * answer is tried again; any other failure is the test's.
 */
export async function stackSQL(sql: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run(
        path.join(ROOT, "node_modules/.bin/wrangler"),
        ["d1", "execute", "DB", "--local", "--persist-to", STACK_STATE_DIR, "--command", sql],
        {
          cwd: ROOT,
          env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
        },
      );
      return;
    } catch (err) {
      const busy = /SQLITE_BUSY|database is locked/.test(String((err as { stderr?: unknown }).stderr ?? "") + String(err));
      if (!busy || attempt === BUSY_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
}

/**
 * Users for stack tests without going through passkeys: a user with a personal workspace (or a
 * role in an existing one) and a CLI bearer token valid for a day, written with one SQL batch.
 */
export async function createStackUser(opts: { workspaceId?: string; role?: Role; email?: string } = {}): Promise<StackUser> {
  const userId = id("usr");
  const email = opts.email ?? `${userId.toLowerCase()}@example.com`;
  const workspaceId = opts.workspaceId ?? id("ws");
  const token = `bfa_${randomBytes(32).toString("base64url")}`;
  const t = Date.now();
  const statements = [
    `INSERT INTO users (id, email, name, current_workspace_id, created_at) VALUES (${sqlString(userId)}, ${sqlString(email)}, 'stack', ${sqlString(workspaceId)}, ${t})`,
    opts.workspaceId
      ? null
      : `INSERT INTO workspaces (id, name, owner_id, personal, created_at, updated_at) VALUES (${sqlString(workspaceId)}, 'stack workspace', ${sqlString(userId)}, 1, ${t}, ${t})`,
    `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (${sqlString(workspaceId)}, ${sqlString(userId)}, ${sqlString(opts.workspaceId ? (opts.role ?? "member") : "owner")}, ${t})`,
    `INSERT INTO sign_ins (id, user_id, kind, token_hash, workspace_id, created_at, last_seen_at, expires_at) VALUES (${sqlString(id("as"))}, ${sqlString(userId)}, 'cli', ${sqlString(hashToken(token))}, ${sqlString(workspaceId)}, ${t}, ${t}, ${t + 24 * 3600 * 1000})`,
  ].filter(Boolean);
  await stackSQL(statements.join("; "));
  return { userId, email, workspaceId, token, headers: { authorization: `Bearer ${token}` } };
}

/** The stack's one operator: the global setup proved its address by redeeming the bootstrap code over HTTP. */
export function stackOperator(): StackUser {
  const op = inject("operator");
  return { ...op, headers: { authorization: `Bearer ${op.token}` } };
}
