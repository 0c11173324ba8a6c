import { PREVIEW_CSP } from "./sandbox";

/**
 * The app origin's viewer page for a tab opened on a preview (the owner route, a share link):
 * our markup, no script, and the preview host in a sandboxed frame. Browsers keep the preview
 * host's visit cookie for the frame context it was set in; a sandboxed app (opaque origin) at the
 * top of a tab would send its own requests without it, framed here it sends them with it, as in
 * the workbench. The previewed app never runs on this origin: the frame is another site.
 */

const escapeAttr = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Only a tab's own page gets the viewer; frames, fetches and clients without Fetch Metadata get the redirect. */
export const isTopLevelNavigation = (req: Request): boolean =>
  req.method === "GET" && req.headers.get("sec-fetch-dest") === "document" && req.headers.get("upgrade") === null;

export function previewShellPage(frameURL: string): Response {
  const frameOrigin = new URL(frameURL).origin;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Preview · BurstFlare</title>
<style>html,body{margin:0;height:100%;background:#fff}iframe{display:block;border:0;width:100%;height:100%}</style>
</head><body><iframe src="${escapeAttr(frameURL)}" sandbox="${PREVIEW_CSP.replace(/^sandbox /, "")}" title="Preview" data-testid="preview-shell-frame"></iframe></body></html>`;
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; frame-src ${frameOrigin}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      "referrer-policy": "no-referrer",
      "x-robots-tag": "noindex",
      "cache-control": "no-store",
    },
  });
}
