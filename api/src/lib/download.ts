/**
 * An R2 object answered as a file to save (snapshot archives, build artifacts, workspace exports):
 * its length, a file name, its sha256 when known so a client can verify what it saved, and never
 * kept by a shared cache, since every such answer is one caller's data.
 */
export function downloadResponse(
  object: R2ObjectBody,
  file: { contentType: string; filename: string; sha256?: string | null; headers?: Record<string, string> },
): Response {
  return new Response(object.body, {
    headers: {
      "content-type": file.contentType,
      "content-length": String(object.size),
      "content-disposition": `attachment; filename="${file.filename}"`,
      ...(file.sha256 ? { "x-content-sha256": file.sha256 } : {}),
      "cache-control": "private, no-store",
      ...file.headers,
    },
  });
}
