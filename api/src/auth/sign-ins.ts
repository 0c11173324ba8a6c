import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { insertSignIn } from "./sign-ins-repo";
import { ACCESS_TOKEN_TTL_MS, BROWSER_SIGN_IN_TTL_MS, hashToken, newSecret, TOKEN_PREFIX } from "./tokens";

interface IssuedSignIn {
  id: string;
  /** Cookie value (browser) or access token (cli). Only its hash is stored. */
  token: string;
  expiresAt: number;
}

/** Creates a sign_ins row; the caller sets the cookie or returns the token. */
export async function issueSignIn(
  env: AppBindings,
  opts: {
    userId: string;
    kind: "browser" | "cli";
    workspaceId?: string | null;
    userAgent?: string | null;
    ip?: string | null;
    /** Operator seeding's longer-lived fixtures (api/src/admin/seed.ts); otherwise the kind's own lifetime. */
    ttlMs?: number;
  },
): Promise<IssuedSignIn> {
  const id = newId("as");
  const token = newSecret(opts.kind === "cli" ? TOKEN_PREFIX.access : "");
  const t = now();
  const expiresAt = t + (opts.ttlMs ?? (opts.kind === "cli" ? ACCESS_TOKEN_TTL_MS : BROWSER_SIGN_IN_TTL_MS));
  await insertSignIn(dbOf(env), {
    id,
    userId: opts.userId,
    kind: opts.kind,
    tokenHash: await hashToken(token),
    workspaceId: opts.workspaceId ?? null,
    userAgent: opts.userAgent ?? null,
    ip: opts.ip ?? null,
    createdAt: t,
    expiresAt,
  });
  return { id, token, expiresAt };
}
