import { Uri } from "monaco-editor/editor/editor.api";
import { describe, expect, it } from "vitest";
import { modelUri } from "../../../src/modules/editor/model-uri";

/** Names that URI parsing reads meaning into, or that differ only in how they are escaped. */
const PATHS = [
  "src/main.ts",
  "src%2Fmain.ts",
  "src%252Fmain.ts",
  "src%2fmain.ts",
  "a#b",
  "a?b",
  "a",
  "a%23b",
  "a b",
  "a%20b",
  "A",
  "%41",
  "café.py",
  "cafe\u0301.py",
  "😀.md",
  "invoice\u202Egpj.js",
  "/etc/passwd",
  "etc/passwd",
  "",
];
const SESSIONS = ["ses_a", "ses_b", "SES_A"];

/** What Monaco keys its models by: the parsed URI, printed again. */
const monacoKey = (uri: string) => Uri.parse(uri).toString();

describe("modelUri", () => {
  it("is injective over sessions and paths, also after Monaco's Uri.parse", () => {
    const pairs = SESSIONS.flatMap((s) => PATHS.map((p) => modelUri(s, p)));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(new Set(pairs.map(monacoKey)).size).toBe(pairs.length);
  });

  it("is stable and survives parsing unchanged (nothing for the parser to decode)", () => {
    for (const p of PATHS) {
      expect(modelUri("ses_a", p)).toBe(modelUri("ses_a", p));
      expect(monacoKey(modelUri("ses_a", p))).toBe(modelUri("ses_a", p));
    }
  });

  it("keeps a plain extension for Monaco's language workers (TS or TSX is read from the name)", () => {
    expect(Uri.parse(modelUri("ses_a", "ui/App.tsx")).path).toMatch(/\.tsx$/);
    expect(Uri.parse(modelUri("ses_a", "Makefile")).path).toMatch(/^\/[0-9a-f]+\/[0-9a-f]+$/);
    expect(Uri.parse(modelUri("ses_a", "a.b#c")).path).toMatch(/^\/[0-9a-f]+\/[0-9a-f]+$/);
  });

  it("closes the hole of the raw path as URI, which merged these names in one Monaco model", () => {
    for (const [a, b] of [
      ["src/main.ts", "src%2Fmain.ts"],
      ["A", "%41"],
      ["a b", "a%20b"],
    ] as const) {
      expect(monacoKey(a)).toBe(monacoKey(b));
      expect(monacoKey(modelUri("ses_a", a))).not.toBe(monacoKey(modelUri("ses_a", b)));
    }
  });
});
