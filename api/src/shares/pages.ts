import { type ErrorCode, errorStatus } from "@burstflare/sdk/errors";

/**
 * The pages a share link's visitor sees instead of the preview: refused, expired, waking up.
 * Plain HTML with no scripts; JSON for clients that do not ask for HTML.
 */

const escapeHTML = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SHARE_PAGE_HEADERS = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex",
  "cache-control": "no-store",
};

export interface SharePage {
  code: ErrorCode;
  /** Finer than the code: the access log's reason and `details.reason` (revoked, expired, sign_in_required…). */
  reason: string;
  title: string;
  message: string;
  /** Seconds after which the page reloads itself (waking up). */
  refreshSeconds?: number;
  link?: { href: string; text: string };
}

export function wantsHTML(req: Request): boolean {
  return req.headers.get("sec-fetch-mode") === "navigate" || (req.headers.get("accept") ?? "").includes("text/html");
}

export function sharePageResponse(req: Request, page: SharePage): Response {
  const headers: Record<string, string> = { ...SHARE_PAGE_HEADERS };
  if (page.refreshSeconds) headers["retry-after"] = String(page.refreshSeconds);
  const status = errorStatus[page.code];
  if (!wantsHTML(req)) {
    return Response.json({ error: { code: page.code, message: page.message, details: { reason: page.reason } } }, { status, headers });
  }
  const refresh = page.refreshSeconds ? `<meta http-equiv="refresh" content="${page.refreshSeconds}">` : "";
  const link = page.link ? `<p><a href="${escapeHTML(page.link.href)}">${escapeHTML(page.link.text)}</a></p>` : "";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">${refresh}
<title>${escapeHTML(page.title)} · BurstFlare</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:5rem auto;padding:0 1rem;color:#1f2328}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}a{color:#58a6ff}}
.code{font:12px ui-monospace,monospace;opacity:.7}</style>
</head><body><main data-testid="share-page" data-reason="${escapeHTML(page.reason)}">
<h1>${escapeHTML(page.title)}</h1><p>${escapeHTML(page.message)}</p>${link}
<p class="code">${escapeHTML(page.reason)}</p></main></body></html>`;
  return new Response(html, { status, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
}
