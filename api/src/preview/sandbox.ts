/**
 * What every response of a previewed app (the session's dev server: user code) gets on our
 * origin, whether reached by the owner's grant or by a share link. The CSP sandbox without
 * allow-same-origin gives the document an opaque origin: it cannot read our cookies (bf_csrf),
 * call /api or /runtime as the person viewing it, or script the SPA that frames it.
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

/** The preview's response with the sandbox and privacy headers; the app may not set our cookies. */
export function hardenPreviewResponse(res: Response): Response {
  if (res.status === 101 || res.webSocket) return res;
  const out = new Response(res.body, res);
  const cookies = out.headers.getSetCookie();
  if (cookies.length) {
    out.headers.delete("set-cookie");
    for (const cookie of cookies) {
      const name = cookie.split("=")[0]?.trim().toLowerCase() ?? "";
      if (!name.replace(/^__(host|secure)-/, "").startsWith("bf_")) out.headers.append("set-cookie", cookie);
    }
  }
  out.headers.append("content-security-policy", PREVIEW_CSP);
  out.headers.set("referrer-policy", "no-referrer");
  out.headers.set("x-robots-tag", "noindex");
  return out;
}
