/**
 * What every response of a previewed app (the session's dev server: user code) gets on its
 * preview host, whether reached by a member's grant or by a share link. The host shares no
 * cookie with the app; the CSP sandbox without allow-same-origin also gives the document an
 * opaque origin, so its scripts cannot write cookies at all (not even `domain=` ones for a parent
 * domain), read the preview host's grant cookie, or script the SPA that frames it.
 */

import { DROPPED_PREVIEW_HEADERS, isAllowedPreviewCookie } from "@burstflare/sdk/preview-cookies";

export { isAllowedPreviewCookie };

export const PREVIEW_CSP = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads";

export const isUpgrade = (req: Request): boolean => req.headers.get("upgrade")?.toLowerCase() === "websocket";

function withAllowedCookies(headers: Headers): void {
  const cookies = headers.getSetCookie();
  if (!cookies.length) return;
  headers.delete("set-cookie");
  for (const cookie of cookies) if (isAllowedPreviewCookie(cookie)) headers.append("set-cookie", cookie);
}

/** The preview's response with the sandbox and privacy headers; the app may not set our cookies. */
export function hardenPreviewResponse(res: Response): Response {
  if (res.status === 101 || res.webSocket) {
    // A handshake's headers reach the browser as any response's do: the same cookie rules apply.
    // Rebuilt around the same socket, so frames still never pass through the Worker.
    const headers = new Headers(res.headers);
    withAllowedCookies(headers);
    for (const name of DROPPED_PREVIEW_HEADERS) headers.delete(name);
    return new Response(null, { status: res.status, statusText: res.statusText, webSocket: res.webSocket, headers });
  }
  const out = new Response(res.body, res);
  withAllowedCookies(out.headers);
  for (const name of DROPPED_PREVIEW_HEADERS) out.headers.delete(name);
  out.headers.append("content-security-policy", PREVIEW_CSP);
  out.headers.set("referrer-policy", "no-referrer");
  out.headers.set("x-robots-tag", "noindex");
  return out;
}
