import { ApiError } from "../../../sdk/errors";
import { hashToken, newSecret } from "../auth/tokens";
import type { AppBindings } from "../env";
import { base64url, timingSafeEqual } from "../lib/crypto";

/** Share link tokens are recognisable when leaked and never valid anywhere else (no auth table holds them). */
export const SHARE_TOKEN_PREFIX = "bfsh_";
const TOKEN_PATTERN = /^bfsh_[A-Za-z0-9_-]{43}$/;

export const newShareToken = (): string => newSecret(SHARE_TOKEN_PREFIX);
export const hashShareToken = (token: string): Promise<string> => hashToken(token);
export const isShareToken = (token: string): boolean => TOKEN_PATTERN.test(token);

/**
 * A visit grant binds one signed-in viewer to one share for a while: `v1.<userId>.<exp36>.<mac>`.
 * The previewed app runs in a CSP sandbox (an opaque origin), so its own requests carry no
 * SameSite=Lax session cookie; the grant in the path tells the gateway who the viewer is. It
 * grants nothing by itself: the share is re-checked (revoked, expired, scope) on every request.
 */
export const VISIT_GRANT_TTL_MS = 12 * 3600 * 1000;
const GRANT_PATTERN = /^v1\.([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

const encoder = new TextEncoder();
let cachedKey: { secret: string; key: Promise<CryptoKey> } | null = null;

/** HMAC key derived from SECRETS_KEY with its own label, so it is independent of the secrets' AES key. */
function grantKey(env: AppBindings): Promise<CryptoKey> {
  const secret = env.SECRETS_KEY;
  if (!secret) throw new ApiError("internal", "SECRETS_KEY is not configured");
  if (cachedKey?.secret === secret) return cachedKey.key;
  const key = (async () => {
    const base = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("burstflare share visit grant v1") },
      base,
      { name: "HMAC", hash: "SHA-256", length: 256 },
      false,
      ["sign"],
    );
  })();
  cachedKey = { secret, key };
  return key;
}

async function mac(env: AppBindings, shareId: string, userId: string, exp: string): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await grantKey(env), encoder.encode(`${shareId}.${userId}.${exp}`));
  return base64url(new Uint8Array(sig).slice(0, 16));
}

export async function signVisitGrant(env: AppBindings, shareId: string, userId: string, expiresAt: number): Promise<string> {
  const exp = Math.floor(expiresAt).toString(36);
  return `v1.${userId}.${exp}.${await mac(env, shareId, userId, exp)}`;
}

/** The user id a valid, unexpired grant for this share names; null otherwise. */
export async function verifyVisitGrant(env: AppBindings, shareId: string, grant: string, at: number): Promise<string | null> {
  const m = GRANT_PATTERN.exec(grant);
  if (!m) return null;
  const [, userId = "", exp = ""] = m;
  if (Number.parseInt(exp, 36) <= at) return null;
  return timingSafeEqual(await mac(env, shareId, userId, exp), m[3] ?? "") ? userId : null;
}

/** The first path segment after /runtime/share/: `<token>` or `<token>.<grant>`. */
export function parseCredential(segment: string): { token: string; grant: string | null } | null {
  const dot = segment.indexOf(".");
  const token = dot < 0 ? segment : segment.slice(0, dot);
  if (!isShareToken(token)) return null;
  return { token, grant: dot < 0 ? null : segment.slice(dot + 1) };
}
