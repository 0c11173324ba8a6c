/**
 * Whether a Set-Cookie line from a previewed app may reach the browser. It may set cookies for
 * its own preview host only: never a nameless one (`=bf_session=…` reads as `bf_session=…` in a
 * Cookie header), never one of our names or a `__Host-`/`__Secure-` one (ours on the preview host
 * use those prefixes), and never with a Domain, which could reach a parent domain and the app.
 * Shared by the Worker (every preview response) and the runtime agent (the WebSocket handshakes
 * it relays), so both apply the same rule.
 */
export function isAllowedPreviewCookie(line: string): boolean {
  const [pair = "", ...attributes] = line.split(";");
  const eq = pair.indexOf("=");
  if (eq < 0) return false;
  const name = pair.slice(0, eq).trim().toLowerCase();
  if (!name || /^__(host|secure)-/.test(name) || name.startsWith("bf_") || !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) return false;
  return !attributes.some((attribute) => attribute.split("=")[0]?.trim().toLowerCase() === "domain");
}

/**
 * Headers a browser acts on beyond the response itself: Clear-Site-Data (wipes storage, also
 * cookies of the registrable domain the app may share), Refresh (a redirect no CSP governs) and
 * Link (preload, prefetch and preconnect to any origin, fetched outside the sandbox).
 */
export const DROPPED_PREVIEW_HEADERS: readonly string[] = ["clear-site-data", "refresh", "link"];
