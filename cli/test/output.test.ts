import { NetworkError } from "@burstflare/sdk/client";
import { ApiError, ErrorCode } from "@burstflare/sdk/errors";
import { describe, expect, it } from "vitest";
import { CLIError, describeError } from "../src/output";

const asUser = { baseURL: "http://localhost:8787", usingEnvToken: false };
const asToken = { ...asUser, usingEnvToken: true };

describe("describeError", () => {
  it("gives every API error code a fix line, signed in and with an API token", () => {
    for (const code of Object.values(ErrorCode)) {
      for (const ctx of [asUser, asToken]) {
        const view = describeError(new ApiError(code, "x"), ctx);
        expect(view.code, code).toBe(code);
        expect(view.hint, `${code} has no fix line`).toMatch(/\w{3,}/);
      }
    }
  });

  it("only blames the workspace role when the role is the cause", () => {
    for (const code of Object.values(ErrorCode)) {
      const hint = describeError(new ApiError(code, "x"), asToken).hint ?? "";
      expect(/\brole\b/.test(hint), `${code}: ${hint}`).toBe(code === "forbidden");
    }
  });

  it("tells an API token user to sign in as a person for what tokens may not do", () => {
    const view = describeError(new ApiError("token_not_allowed", "API tokens cannot manage account credentials"), asToken);
    expect(view.hint).toContain("unset BURSTFLARE_TOKEN");
    expect(view.hint).toContain("flare auth login");
  });

  it("names BURSTFLARE_TOKEN only when it is in use", () => {
    expect(describeError(new ApiError("unauthorized", "x"), asToken).hint).toContain("BURSTFLARE_TOKEN");
    expect(describeError(new ApiError("unauthorized", "x"), asUser).hint).not.toContain("BURSTFLARE_TOKEN");
  });

  it("keeps the CLI's own codes and hints, and points network failures at the server URL", () => {
    expect(describeError(new CLIError("ssh_not_found", "no ssh", { hint: "install it" }), asUser)).toEqual({
      code: "ssh_not_found",
      message: "no ssh",
      hint: "install it",
    });
    const net = describeError(new NetworkError("http://localhost:8787/api/me", new Error("connect ECONNREFUSED")), asUser);
    expect(net.hint).toContain("http://localhost:8787");
    expect(describeError(new Error("boom"), asUser)).toEqual({ code: "internal", message: "boom" });
  });
});

describe("the CLI's own errors", () => {
  it("every CLIError the CLI can throw comes with a fix line, its own or its code's", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const root = path.resolve(import.meta.dirname, "../src");
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    const codes = new Set<string>();
    for (const f of files) {
      const text = readFileSync(path.join(root, f), "utf8");
      for (const m of text.matchAll(/new CLIError\(\s*"([a-z_]+)"/g)) {
        const code = m[1]!;
        codes.add(code);
        // Usage errors are answered by the command's own help; everything else says what to do.
        if (code === "usage") continue;
        const statement = text.slice(m.index, text.indexOf(");", m.index));
        const view = describeError(new CLIError(code, "x", statement.includes("hint:") ? { hint: "own" } : {}), asUser);
        expect(view.hint, `${f}: CLIError("${code}") has no fix line`).toBeTruthy();
      }
    }
    expect(codes.size).toBeGreaterThan(8);
  });
});
