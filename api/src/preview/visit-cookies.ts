/**
 * On a preview host the visit's credential rides in a cookie, so the previewed app runs at `/`
 * with its own routing and relative URLs. The cookies are host-only (`__Host-`), HttpOnly and
 * Partitioned: inside the workbench's frame they are keyed to the app's site, opened in a tab to
 * the preview's own; no other site ever sends them. The previewed app cannot read or replace
 * them: its scripts run in an opaque origin and its Set-Cookie lines may not use these names.
 */

import { VISIT_GRANT_TTL_MS } from "./visit-grants";

/** A member's preview grant (`v2.<userId>.<credential>.<exp>.<mac>`, api/src/preview/visit-grants.ts) for this host's session. */
export const PREVIEW_GRANT_COOKIE = "__Host-bf_preview";
/** A share link's credential: `<token>` or `<token>.<grant>`. */
export const SHARE_VISIT_COOKIE = "__Host-bf_share";

const OURS = new Set([PREVIEW_GRANT_COOKIE.toLowerCase(), SHARE_VISIT_COOKIE.toLowerCase()]);

export function visitCookie(name: string, value: string): string {
  return `${name}=${value}; Path=/; Max-Age=${VISIT_GRANT_TTL_MS / 1000}; HttpOnly; Secure; SameSite=None; Partitioned`;
}

export function readVisitCookies(req: Request): { grant: string | null; share: string | null } {
  const found: { grant: string | null; share: string | null } = { grant: null, share: null };
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === PREVIEW_GRANT_COOKIE) found.grant = value;
    else if (name === SHARE_VISIT_COOKIE) found.share = value;
  }
  return found;
}

/** The request as the previewed app may see it: our visit cookies never reach user code. */
export function withoutVisitCookies(req: Request): Request {
  const cookie = req.headers.get("cookie");
  if (!cookie) return req;
  const kept = cookie
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p && !OURS.has((p.split("=")[0] ?? "").trim().toLowerCase()));
  const out = new Request(req.url, req);
  if (kept.length) out.headers.set("cookie", kept.join("; "));
  else out.headers.delete("cookie");
  return out;
}
