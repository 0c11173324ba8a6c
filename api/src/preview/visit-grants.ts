import { ApiError } from "@burstflare/sdk/errors";
import type { ConnectionCredential } from "@burstflare/sdk/protocol/agent";
import type { AppBindings } from "../env";
import { base64url, timingSafeEqual } from "../lib/crypto";

/**
 * A visit grant binds one signed-in user, and the sign-in or API token that asked for it, to one
 * previewed thing for a while: `v2.<userId>.<s|t><credentialId>.<exp36>.<mac>`. Previewed apps
 * run in a CSP sandbox (an opaque origin), so their own requests carry no SameSite=Lax session
 * cookie; the grant in the path says who the visitor is. It grants nothing by itself: callers
 * re-check the visitor's access on every request and that the credential behind it still stands
 * (visit-access-repo), so revoking a sign-in, deleting an API token or logging out everywhere also
 * ends the visits they opened, HTTP and WebSocket upgrades alike.
 *
 * `purpose` separates the two uses, so a grant for a share link is never one for a session's
 * preview (or the reverse), even where ids could coincide.
 */
type VisitGrantPurpose = "share" | "preview";

export const VISIT_GRANT_TTL_MS = 12 * 3600 * 1000;
/** Also what a share link's `<token>.<grant>` segment must match before any of it is used. */
export const GRANT_PATTERN = /^v2\.([A-Za-z0-9_-]{1,64})\.([st])([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

/** Who a grant names: the user and the credential they held when it was signed. */
export interface VisitHolder {
  userId: string;
  credential: ConnectionCredential & { kind: "sign_in" | "api_token" };
}

const KIND_LETTER = { sign_in: "s", api_token: "t" } as const;

/** The holder for a grant asked for with `credential`; only a sign-in or an API token can ask. */
export function visitHolder(userId: string, credential: ConnectionCredential): VisitHolder {
  if (credential.kind !== "sign_in" && credential.kind !== "api_token") throw new ApiError("forbidden", "sign in to open previews");
  return { userId, credential: { kind: credential.kind, id: credential.id } };
}

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
  holder: string,
  exp: string,
): Promise<string> {
  const message = encoder.encode(`${purpose}:${subject}.${holder}.${exp}`);
  const sig = await crypto.subtle.sign("HMAC", await grantKey(env), message);
  return base64url(new Uint8Array(sig).slice(0, 16));
}

/**
 * What a grant is bound to besides its purpose: the visit's own host (api/src/preview/origin.ts),
 * so a grant, and the cookie it becomes, works only on the one host minted with it.
 */
export const previewGrantSubject = (sessionId: string, port: number | null, visit: string): string => `${sessionId}|${port ?? ""}|${visit}`;
export const shareGrantSubject = (shareId: string, visit: string): string => `${shareId}|${visit}`;

/** `subject` is previewGrantSubject (purpose "preview") or shareGrantSubject (purpose "share"). */
export async function signVisitGrant(
  env: Pick<AppBindings, "SECRETS_KEY">,
  purpose: VisitGrantPurpose,
  subject: string,
  { userId, credential }: VisitHolder,
  expiresAt: number,
): Promise<string> {
  const exp = Math.floor(expiresAt).toString(36);
  const holder = `${userId}.${KIND_LETTER[credential.kind]}${credential.id}`;
  if (!GRANT_PATTERN.test(`v2.${holder}.${exp}.${"A".repeat(22)}`)) throw new ApiError("internal", "this credential cannot sign a visit");
  return `v2.${holder}.${exp}.${await mac(env, purpose, subject, holder, exp)}`;
}

/**
 * Who a valid, unexpired grant for this purpose and subject names; null otherwise. Whether the
 * credential still stands is the caller's check (liveCredential), made with the access check.
 */
export async function verifyVisitGrant(
  env: Pick<AppBindings, "SECRETS_KEY">,
  purpose: VisitGrantPurpose,
  subject: string,
  grant: string,
  at: number,
): Promise<VisitHolder | null> {
  const m = GRANT_PATTERN.exec(grant);
  if (!m) return null;
  const [, userId = "", letter = "", credentialId = "", exp = "", sig = ""] = m;
  if (Number.parseInt(exp, 36) <= at) return null;
  if (!timingSafeEqual(await mac(env, purpose, subject, `${userId}.${letter}${credentialId}`, exp), sig)) return null;
  return { userId, credential: { kind: letter === "t" ? "api_token" : "sign_in", id: credentialId } };
}
