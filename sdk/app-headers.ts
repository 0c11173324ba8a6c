/**
 * Security headers of the app's own pages (the SPA's HTML and assets on APP_ORIGIN). The app shows
 * text other members and sessions control (names, logs, file contents, terminal output), so if
 * one of them ever slipped past React's escaping the policy still runs no script but our bundle's:
 * no inline script, no `eval`, no other origin's code. No page may frame the app (a framed
 * device-approval or delete button is a click an attacker's page can steer). Served by the Worker
 * locally (api/src/index.ts) and written as Pages' `_headers` on deploy (scripts/deploy.mjs).
 */

/** Cloudflare's human check: the only script and frame of another origin, loaded only when a site key is set. */
const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";

/**
 * The Content-Security-Policy for the SPA. `previewOrigin` is PREVIEW_ORIGIN (`https://*.preview.example.com`):
 * the workbench frames previews there. Monaco and React set inline styles, so styles stay open;
 * `'self'` in connect-src also covers the same host's ws:/wss: (terminal) in CSP Level 3.
 */
function appContentSecurityPolicy(previewOrigin: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${TURNSTILE_ORIGIN}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    `frame-src ${previewOrigin} ${TURNSTILE_ORIGIN}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Every header the app's pages carry, CSP included. */
export function appPageHeaders(previewOrigin: string): Record<string, string> {
  return {
    "content-security-policy": appContentSecurityPolicy(previewOrigin),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
  };
}

/** Pages' `_headers` file with the same headers for every path of the SPA. */
export function pagesHeadersFile(previewOrigin: string): string {
  const lines = Object.entries(appPageHeaders(previewOrigin)).map(([name, value]) => `  ${name}: ${value}`);
  return `/*\n${lines.join("\n")}\n`;
}
