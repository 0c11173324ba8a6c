/**
 * Credentials that travel inside URLs (share links, preview grants, SSH tokens in `?token=`) must
 * never reach a log line: logs are read by more people, for longer, than the links are meant for.
 * Used by the Worker's structured logs and by scripts/lib/processes.mjs on every line the local
 * stack writes to .wrangler/logs (wrangler's own request lines included). Plain erasable
 * TypeScript so Node runs it without a build step.
 */
export const REDACTED = "[redacted]";

/** `/runtime/share/<credential>/…`, `/runtime/preview/<credential>/…`, `/__burstflare/share/<credential>/…`. */
const PATH_CREDENTIAL = /(\/(?:runtime\/share|runtime\/preview|__burstflare\/share)\/)[^/?#\s"'<>]+/gi;
/** Query parameters that carry a credential, e.g. `?token=bfs_…` (ssh), `?grant=…` (preview enter). */
const QUERY_CREDENTIAL = /([?&](?:token|grant|code|invite|ticket|sig|signature|access_token|refresh_token|share)=)[^&#\s"'<>]*/gi;
/** Our secrets are recognisable by prefix (bfa_ access, bfr_ refresh, bfp_ API, bfs_ ssh, bfsh_ share, bfi_ invite, bfb_ bootstrap). */
const PREFIXED_SECRET = /\b(bf(?:a|r|p|s|sh|i|b)_)[A-Za-z0-9_-]{12,}/g;
/** `Authorization: Bearer …` (or a JSON `"authorization":"…"`) anywhere in a line. */
const AUTHORIZATION = /(authorization["']?\s*[:=]\s*["']?)(?:bearer\s+)?[^\s"',}]+/gi;

export function redactCredentials(text: string): string {
  return text
    .replace(PATH_CREDENTIAL, `$1${REDACTED}`)
    .replace(QUERY_CREDENTIAL, `$1${REDACTED}`)
    .replace(AUTHORIZATION, `$1${REDACTED}`)
    .replace(PREFIXED_SECRET, `$1${REDACTED}`);
}
