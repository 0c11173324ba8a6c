/**
 * Which raw URL paths may be routed to a runtime, shared by the API Worker (which picks the
 * runtime kind from the path) and the runtime agent (which picks its handler from the path).
 *
 * Routing happens on the path as sent, never on a decoded copy: a segment that decodes, once or
 * several times, to a slash, a backslash or a dot segment would name one route to the router and
 * another to whatever decodes or normalises it later (URL parsers, proxies, the dev server), so
 * such a segment is refused outright. Full dot segments (`..`, `%2e%2e`) are resolved by every
 * URL parser before a Worker sees the request, so they only ever name the route they resolve to;
 * the agent, which reads the raw request line, refuses them too.
 */

export const MAX_RUNTIME_PATH_LENGTH = 4096;
export const MAX_RUNTIME_SEGMENT_LENGTH = 1024;
export const MAX_RUNTIME_QUERY_LENGTH = 8192;
/** Deeper encodings than this are no path anyone types; refusing them bounds the work. */
const MAX_DECODE_DEPTH = 3;

const ESCAPE = /%[0-9a-f]{2}/i;
// C0, DEL and C1 controls: CR/LF split headers and request lines, NUL ends C strings.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** What may appear unencoded in a path segment: printable ASCII, nothing else. */
const RAW_ALLOWED = /^[\x21-\x7e]*$/;

function isDotSegment(value: string): boolean {
  // `..;x` is a dot segment to servers that strip path parameters (Tomcat, Jetty).
  const bare = (value.split(";")[0] ?? "").normalize("NFKC");
  return bare === "." || bare === "..";
}

/** Why one raw path segment (between two `/`) must not be routed, or null when it is safe. */
export function segmentProblem(raw: string): string | null {
  if (raw.length > MAX_RUNTIME_SEGMENT_LENGTH) return `a path segment is longer than ${MAX_RUNTIME_SEGMENT_LENGTH} characters`;
  if (!RAW_ALLOWED.test(raw)) return "the path has a raw control, space or non-ASCII character";
  let value = raw;
  for (let depth = 0; ; depth++) {
    if (isDotSegment(value)) return "the path has a `.` or `..` segment";
    // NFKC folds look-alikes (fullwidth solidus, fullwidth full stop) the way some normalisers do.
    const folded = value.normalize("NFKC");
    if (folded.includes("/") || folded.includes("\\")) return "the path has an encoded or look-alike slash or backslash";
    if (CONTROL.test(folded)) return "the path has an encoded control character";
    if (!ESCAPE.test(value)) return null;
    if (depth === MAX_DECODE_DEPTH) return "the path is percent-encoded too many times";
    try {
      value = decodeURIComponent(value);
    } catch {
      return "the path has malformed percent-encoding (or overlong UTF-8)";
    }
  }
}

/**
 * Why a raw absolute path (no query) must not be routed, or null. Every segment must be safe and
 * non-empty; only the last may be empty (a trailing slash, meaningful to previewed apps).
 */
export function pathProblem(rawPath: string): string | null {
  if (!rawPath.startsWith("/")) return "the path must start with /";
  if (rawPath.length > MAX_RUNTIME_PATH_LENGTH) return `the path is longer than ${MAX_RUNTIME_PATH_LENGTH} characters`;
  const segments = rawPath.slice(1).split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? "";
    if (segment === "" && i < segments.length - 1) return "the path has an empty segment";
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return null;
}

/** Why a raw query (with or without its `?`) must not be forwarded, or null. Values are the app's own business. */
export function queryProblem(rawQuery: string): string | null {
  if (rawQuery.length > MAX_RUNTIME_QUERY_LENGTH) return `the query is longer than ${MAX_RUNTIME_QUERY_LENGTH} characters`;
  if (!RAW_ALLOWED.test(rawQuery)) return "the query has a raw control, space or non-ASCII character";
  return null;
}
