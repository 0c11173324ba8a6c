import { hashToken, newSecret } from "../auth/tokens";
import { GRANT_PATTERN } from "../preview/visit-grants";

/** Share link tokens are recognisable when leaked and never valid anywhere else (no auth table holds them). */
const SHARE_TOKEN_PREFIX = "bfsh_";
const TOKEN_PATTERN = /^bfsh_[A-Za-z0-9_-]{43}$/;

export const newShareToken = (): string => newSecret(SHARE_TOKEN_PREFIX);
export const hashShareToken = (token: string): Promise<string> => hashToken(token);
const isShareToken = (token: string): boolean => TOKEN_PATTERN.test(token);

/**
 * The first path segment after /runtime/share/: `<token>` or `<token>.<grant>` (api/src/preview/visit-grants.ts).
 * Both parts must match their strict patterns: the segment becomes a Set-Cookie value on the
 * preview host, where a `;` would add cookie attributes of the sender's choosing.
 */
export function parseCredential(segment: string): { token: string; grant: string | null } | null {
  const dot = segment.indexOf(".");
  const token = dot < 0 ? segment : segment.slice(0, dot);
  const grant = dot < 0 ? null : segment.slice(dot + 1);
  if (!isShareToken(token) || (grant !== null && !GRANT_PATTERN.test(grant))) return null;
  return { token, grant };
}
