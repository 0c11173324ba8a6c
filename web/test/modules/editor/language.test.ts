import { describe, expect, it } from "vitest";
import { languageFor } from "../../../src/modules/editor/language";

describe("languageFor", () => {
  it("detects languages by extension, case-insensitively", () => {
    expect(languageFor("src/app.tsx")).toBe("typescript");
    expect(languageFor("server.MJS")).toBe("javascript");
    expect(languageFor("a/b/c.py")).toBe("python");
    expect(languageFor("config.yaml")).toBe("yaml");
  });
  it("knows well-known names and falls back to plain text", () => {
    expect(languageFor("Dockerfile")).toBe("dockerfile");
    expect(languageFor("deploy/Dockerfile.prod")).toBe("dockerfile");
    expect(languageFor(".bashrc")).toBe("shell");
    expect(languageFor("hello.txt")).toBe("plaintext");
    expect(languageFor("LICENSE")).toBe("plaintext");
    expect(languageFor(".hidden")).toBe("plaintext");
  });
});
