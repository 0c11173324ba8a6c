import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { base64url, timingSafeEqual } from "../lib/crypto";

/**
 * A visit grant binds one signed-in user to one previewed thing for a while:
 * `v1.<userId>.<exp36>.<mac>`. Previewed apps run in a CSP sandbox (an opaque origin), so their
 * own requests carry no SameSite=Lax session cookie; the grant in the path says who the visitor
 * is. It grants nothing by itself: callers re-check the visitor's access on every request.
 *
 * `purpose` separates the two uses, so a grant for a share link is never one for a session's
 * preview (or the reverse), even where ids could coincide.
 */
export type VisitGrantPurpose = "share" | "preview";

export const VISIT_GRANT_TTL_MS = 12 * 3600 * 1000;
const GRANT_PATTERN = /^v1\.([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

const encoder = new TextEncoder();
let cachedKey: { secret: string; key: Promise<CryptoKey> } | null = null;

/** HMAC key derived from SECRETS_KEY with its own label, so it is independent of the secrets' AES key. */
function grantKey(env: Pick<AppBindings, "SECRETS_KEY">): Promise<CryptoKey> {
  const secret = env.SECRETS_KEY;
  if (!secret) throw new ApiError("internal", "SECRETS_KEY is not configured");
  if (cachedKey?.secret === secret) return cachedKey.key;
  const key = (async () => {
    const base = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("burstflare preview visit grant v1") },
      base,
      { name: "HMAC", hash: "SHA-256", length: 256 },
      false,
      ["sign"],
    );
  })();
  cachedKey = { secret, key };
  return key;
}

async function mac(
  env: Pick<AppBindings, "SECRETS_KEY">,
  purpose: VisitGrantPurpose,
  subject: string,
  userId: string,
  exp: string,
): Promise<string> {
  const message = encoder.encode(`${purpose}:${subject}.${userId}.${exp}`);
  const sig = await crypto.subtle.sign("HMAC", await grantKey(env), message);
  return base64url(new Uint8Array(sig).slice(0, 16));
}

/** `subject` is the share id (purpose "share") or the session id (purpose "preview"). */
export async function signVisitGrant(
  env: Pick<AppBindings, "SECRETS_KEY">,
  purpose: VisitGrantPurpose,
  subject: string,
  userId: string,
  expiresAt: number,
): Promise<string> {
  const exp = Math.floor(expiresAt).toString(36);
  return `v1.${userId}.${exp}.${await mac(env, purpose, subject, userId, exp)}`;
}

/** The user id a valid, unexpired grant for this purpose and subject names; null otherwise. */
export async function verifyVisitGrant(
  env: Pick<AppBindings, "SECRETS_KEY">,
  purpose: VisitGrantPurpose,
  subject: string,
  grant: string,
  at: number,
): Promise<string | null> {
  const m = GRANT_PATTERN.exec(grant);
  if (!m) return null;
  const [, userId = "", exp = ""] = m;
  if (Number.parseInt(exp, 36) <= at) return null;
  return timingSafeEqual(await mac(env, purpose, subject, userId, exp), m[3] ?? "") ? userId : null;
}
