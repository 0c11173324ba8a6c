import { ApiError } from "@burstflare/sdk/errors";

/**
 * What of an agent's file answer may reach the app's origin. The agent runs beside the session's
 * code with the same uid, so its answers are the session's words: cookies, redirects, links,
 * refreshes, site-data wipes or a page of its own must never come out of the app origin.
 */
const FILE_HEADERS = ["content-type", "content-length", "x-file-mtime"];

/**
 * The file API answers on the app's origin, and a workspace file is content anyone in the
 * workspace (or the session's own code) wrote. A file read is therefore never something a
 * browser may render or sniff as a page there: JSON stays JSON, everything else becomes an
 * attachment of opaque bytes in a CSP sandbox, and only the headers above are kept. The editor
 * reads files with fetch(), which ignores the added headers.
 */
export function hardenFileResponse(res: Response): Response {
  if (res.status === 101 || res.webSocket) return res;
  if (res.status >= 300 && res.status < 400) {
    throw new ApiError("runtime_unavailable", `the runtime answered a redirect (${res.status})`);
  }
  const headers = new Headers();
  for (const name of FILE_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const type = headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    headers.set("content-type", "application/octet-stream");
    headers.set("content-disposition", "attachment");
  }
  headers.set("x-content-type-options", "nosniff");
  headers.set("content-security-policy", "sandbox; default-src 'none'");
  return new Response(res.body, { status: res.status, headers });
}
