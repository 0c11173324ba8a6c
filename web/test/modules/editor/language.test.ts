import { describe, expect, it } from "vitest";
import { languageFor } from "../../../src/modules/editor/language";

/** Each case: the file's path and the language it opens in. */
function expectLanguages(cases: Record<string, string>) {
  for (const [path, language] of Object.entries(cases)) expect(languageFor(path), path).toBe(language);
}

describe("languageFor", () => {
  it("detects languages by extension, case-insensitively", () => {
    expectLanguages({ "src/app.tsx": "typescript", "server.MJS": "javascript", "a/b/c.py": "python", "config.yaml": "yaml" });
  });
  it("knows well-known names and falls back to plain text", () => {
    expectLanguages({
      Dockerfile: "dockerfile",
      "deploy/Dockerfile.prod": "dockerfile",
      ".bashrc": "shell",
      "hello.txt": "plaintext",
      LICENSE: "plaintext",
      ".hidden": "plaintext",
    });
  });
});
