/** Each UTF-16 code unit as four hex digits: only [0-9a-f], so no URI parser can read meaning into it. */
const hex = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, "0")).join("");

/**
 * The Monaco model URI for one file of one session. Monaco keys models by `Uri.parse(…).toString()`,
 * which decodes percent-escapes and splits off `?query` and `#fragment`: the raw path as a URI would
 * let `src%2Fmain.ts` (a name any member can create) share a model — content and undo history —
 * with `src/main.ts`, and the same path in two sessions share one too. Hex-encoding the session id
 * and the path makes the mapping injective and stable, and leaves nothing for the parser to change.
 * The file's extension is appended (hex never contains a dot, so it cannot blur the boundary)
 * because Monaco's TypeScript worker picks TS or TSX, JS or JSX from the model's name.
 */
export function modelUri(sessionId: string, path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const ext = /.\.([A-Za-z0-9]{1,16})$/.exec(base)?.[1];
  return `burstflare-file:/${hex(sessionId)}/${hex(path)}${ext ? `.${ext}` : ""}`;
}
