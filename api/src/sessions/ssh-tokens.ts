import { connectionCredential } from "@burstflare/sdk/protocol/agent";
import type { SSHToken } from "@burstflare/sdk/schemas/sessions";
import { z } from "zod";
import { hashToken, newSecret, TOKEN_PREFIX } from "../auth/tokens";
import type { AppBindings } from "../env";
import { iso, now } from "../lib/time";
import { sessionStub } from "./stub";

/** KV's shortest expiry; the token is also single-use. */
const SSH_TOKEN_TTL_SECONDS = 60;

const grant = z.object({
  sessionId: z.string(),
  userId: z.string(),
  workspaceId: z.string(),
  sshUser: z.string(),
  /** The sign-in or API token that minted the token: revoking it ends the SSH connection too. */
  credential: connectionCredential,
  /** When that credential expires (an API token's fixed expiry): the connection ends then. */
  credentialExpiresAt: z.number().optional(),
  /** `type base64` of the one key this connection accepts; absent: the user's account keys. */
  boundKey: z.string().optional(),
  expiresAt: z.number(),
});
type SSHGrant = z.infer<typeof grant>;

const kvKey = (hash: string) => `ssh-token:${hash}`;

/** The login name shown to OpenSSH: the email's local part, reduced to a safe user name. */
export function sshUserFor(email: string): string {
  const local =
    email
      .split("@")[0]
      ?.toLowerCase()
      .replace(/[^a-z0-9_-]/g, "") ?? "";
  return (local || "dev").slice(0, 32);
}

/** A short-lived token for one SSH connection to one session, bound to the user; only its hash is stored. */
export async function issueSSHToken(env: AppBindings, g: Omit<SSHGrant, "expiresAt">, boundFingerprint?: string): Promise<SSHToken> {
  const token = newSecret(TOKEN_PREFIX.ssh);
  const expiresAt = now() + SSH_TOKEN_TTL_SECONDS * 1000;
  await env.KV.put(kvKey(await hashToken(token)), JSON.stringify({ ...g, expiresAt }), { expirationTtl: SSH_TOKEN_TTL_SECONDS });
  return { token, expiresAt: iso(expiresAt) ?? "", sshUser: g.sshUser, boundKeyFingerprint: boundFingerprint ?? null };
}

/**
 * Redeems a token once: a replay, an expired or an unknown token answers null. The KV delete alone
 * is not enough (another location's replica may answer the key for a while after it), so the
 * session's Durable Object, which every connection to the session goes through, spends it.
 */
export async function consumeSSHToken(env: AppBindings, token: string): Promise<SSHGrant | null> {
  if (!token.startsWith(TOKEN_PREFIX.ssh) || token.length > 200) return null;
  const hash = await hashToken(token);
  const key = kvKey(hash);
  const raw = await env.KV.get(key, "json");
  if (raw === null) return null;
  await env.KV.delete(key);
  const parsed = grant.safeParse(raw);
  if (!parsed.success || parsed.data.expiresAt <= now()) return null;
  if (!(await sessionStub(env, parsed.data.sessionId).claimSSHToken(hash, parsed.data.expiresAt))) return null;
  return parsed.data;
}
