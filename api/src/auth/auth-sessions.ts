import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { now } from "../lib/time";
import { ACCESS_TOKEN_TTL_MS, BROWSER_SESSION_TTL_MS, hashToken, newSecret, TOKEN_PREFIX } from "./tokens";

export interface IssuedAuthSession {
  id: string;
  /** Cookie value (browser) or access token (cli). Only its hash is stored. */
  token: string;
  expiresAt: number;
}

/** Creates an auth_sessions row; the caller sets the cookie or returns the token. */
export async function issueAuthSession(
  env: AppBindings,
  opts: { userId: string; kind: "browser" | "cli"; workspaceId?: string | null; userAgent?: string | null; ip?: string | null },
): Promise<IssuedAuthSession> {
  const id = newId("as");
  const token = newSecret(opts.kind === "cli" ? TOKEN_PREFIX.access : "");
  const t = now();
  const expiresAt = t + (opts.kind === "cli" ? ACCESS_TOKEN_TTL_MS : BROWSER_SESSION_TTL_MS);
  await env.DB.prepare(
    `INSERT INTO auth_sessions (id, user_id, kind, token_hash, workspace_id, user_agent, ip, created_at, last_seen_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      opts.userId,
      opts.kind,
      await hashToken(token),
      opts.workspaceId ?? null,
      opts.userAgent ?? null,
      opts.ip ?? null,
      t,
      t,
      expiresAt,
    )
    .run();
  return { id, token, expiresAt };
}
