/**
 * The file API answers on the app's origin, and a workspace file is content anyone in the
 * workspace (or the session's own code) wrote. A file read is therefore never something a
 * browser may render or sniff as a page there: JSON stays JSON, everything else becomes an
 * attachment of opaque bytes in a CSP sandbox. The editor reads files with fetch(), which
 * ignores all three headers.
 */
export function hardenFileResponse(res: Response): Response {
  if (res.status === 101 || res.webSocket) return res;
  const out = new Response(res.body, res);
  const type = out.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    out.headers.set("content-type", "application/octet-stream");
    out.headers.set("content-disposition", "attachment");
  }
  out.headers.set("x-content-type-options", "nosniff");
  out.headers.set("content-security-policy", "sandbox; default-src 'none'");
  return out;
}
