/**
 * What every response of a previewed app (the session's dev server: user code) gets on its
 * preview host, whether reached by a member's grant or by a share link. The host shares no
 * cookie with the app; the CSP sandbox without allow-same-origin also gives the document an
 * opaque origin, so its scripts cannot write cookies at all (not even `domain=` ones for a parent
 * domain), read the preview host's grant cookie, or script the SPA that frames it.
 */

export const PREVIEW_CSP = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads";

export const isUpgrade = (req: Request): boolean => req.headers.get("upgrade")?.toLowerCase() === "websocket";

/** Dot segments (also percent-encoded) and backslashes would let URL normalisation leave /preview. */
export function isSafePreviewPath(rawRest: string): boolean {
  if (rawRest.includes("\\") || /%5c/i.test(rawRest) || /%00/.test(rawRest)) return false;
  for (const segment of rawRest.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (decoded === "." || decoded === ".." || decoded.includes("/") || decoded.includes("\\")) return false;
  }
  return true;
}

/**
 * Whether a Set-Cookie line from the previewed app may reach the browser. It may set cookies for
 * its own preview host only: never a nameless one (`=bf_session=…` reads as `bf_session=…` in a
 * Cookie header), never one of our names or a `__Host-`/`__Secure-` one (ours on the preview host
 * use those prefixes), and never with a Domain, which could reach a parent domain and the app.
 */
export function isAllowedPreviewCookie(line: string): boolean {
  const [pair = "", ...attributes] = line.split(";");
  const eq = pair.indexOf("=");
  if (eq < 0) return false;
  const name = pair.slice(0, eq).trim().toLowerCase();
  if (!name || /^__(host|secure)-/.test(name) || name.startsWith("bf_") || !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) return false;
  return !attributes.some((attribute) => attribute.split("=")[0]?.trim().toLowerCase() === "domain");
}

/** The preview's response with the sandbox and privacy headers; the app may not set our cookies. */
export function hardenPreviewResponse(res: Response): Response {
  if (res.status === 101 || res.webSocket) return res;
  const out = new Response(res.body, res);
  const cookies = out.headers.getSetCookie();
  if (cookies.length) {
    out.headers.delete("set-cookie");
    for (const cookie of cookies) if (isAllowedPreviewCookie(cookie)) out.headers.append("set-cookie", cookie);
  }
  out.headers.append("content-security-policy", PREVIEW_CSP);
  out.headers.set("referrer-policy", "no-referrer");
  out.headers.set("x-robots-tag", "noindex");
  return out;
}
