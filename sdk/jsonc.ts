/**
 * JSON with comments (JSONC), the format of devcontainer.json: `//` and `/* *\/` comments and
 * trailing commas before `}` or `]`. Comments and trailing commas are blanked out (replaced by
 * spaces, newlines kept) so JSON.parse reports positions that match the original text; string
 * contents are never touched. No dependency, so the CLI, the SPA and the Worker share it.
 */

export class JsoncError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = "JsoncError";
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Blanks a span, keeping newlines so line numbers stay right. */
const blank = (s: string) => s.replace(/[^\n]/g, " ");

/** The text with comments and trailing commas blanked, ready for JSON.parse. */
export function stripJsonc(text: string): string {
  const out: string[] = [];
  // Index in `out` of the last comma seen outside strings with only blanks after it.
  let pendingComma = -1;
  // The last character outside comments and blanks: a comma right after `[`, `{` or `,` is no trailing comma.
  let last = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\") j++;
        else if (text[j] === "\n") break;
        j++;
      }
      if (j >= text.length || text[j] !== '"') {
        const { line, column } = position(text, i);
        throw new JsoncError("unterminated string", line, column);
      }
      out.push(text.slice(i, j + 1));
      pendingComma = -1;
      last = '"';
      i = j + 1;
    } else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      out.push(blank(text.slice(i, stop)));
      i = stop;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) {
        const { line, column } = position(text, i);
        throw new JsoncError("unterminated comment", line, column);
      }
      out.push(blank(text.slice(i, end + 2)));
      i = end + 2;
    } else if (c === ",") {
      pendingComma = last === "" || "[{,".includes(last) ? -1 : out.length;
      last = c;
      out.push(c);
      i++;
    } else if (c === "}" || c === "]") {
      if (pendingComma >= 0) out[pendingComma] = " ";
      pendingComma = -1;
      last = c;
      out.push(c);
      i++;
    } else {
      if (!/\s/.test(c)) {
        pendingComma = -1;
        last = c;
      }
      out.push(c);
      i++;
    }
  }
  return out.join("");
}

/** Parses JSONC; a syntax error names the line and column of the original text. */
export function parseJsonc(text: string): unknown {
  const stripped = stripJsonc(text.replace(/^\uFEFF/, ""));
  try {
    return JSON.parse(stripped);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    const { line, column } = position(stripped, at ? Number(at[1]) : stripped.length);
    throw new JsoncError(message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, ""), line, column);
  }
}
