import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "cli/bin/flare.mjs");

/** Runs the real executable as users do, in an empty config dir and home. */
function flare(args: string[], env: Record<string, string> = {}) {
  const home = mkdtempSync(path.join(os.tmpdir(), "flare-bin-"));
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: home, BURSTFLARE_CONFIG_DIR: path.join(home, "cfg"), ...env },
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("flare executable", () => {
  it("prints help with examples and exits 0", () => {
    const r = flare(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: flare");
    expect(r.stdout).toContain("Examples:");
    for (const group of [
      "auth",
      "workspace",
      "template",
      "build",
      "session",
      "snapshot",
      "export",
      "admin",
      "ssh",
      "config-ssh",
      "doctor",
    ]) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${group}[ |]`));
    }
  });

  it("shows examples in a subcommand's help", () => {
    const r = flare(["ssh", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("flare ssh dev -- ls -la");
  });

  it("exits 2 on a usage error and suggests the right command", () => {
    const r = flare(["sesion", "list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Did you mean session?");
  });

  it("reports usage errors as JSON with --json", () => {
    const r = flare(["--json", "session", "status"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: "usage", message: expect.stringContaining("missing required argument") } });
    expect(r.stdout).toBe("");
  });

  it("accepts global options after the subcommand too, without confusing a subcommand's --version", () => {
    const r = flare(["template", "upload", "t", "/nonexistent-dir", "--version", "1.0.0", "--json", "--url", "http://127.0.0.1:9"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr).error.code).toBe("not_found");
  });

  it("names the fix when the server is unreachable, and exits 1", () => {
    const r = flare(["--url", "http://127.0.0.1:9", "session", "list"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(r.stderr).toContain("fix: is BurstFlare running at http://127.0.0.1:9?");
    const j = flare(["--json", "--url", "http://127.0.0.1:9", "session", "list"]);
    expect(JSON.parse(j.stderr).error.code).toBe("network_error");
  });

  it("refuses a malformed --url with a clear message", () => {
    const r = flare(["--url", "localhost:8787", "auth", "whoami"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("must be an http or https URL");
  });

  it("prints its version", () => {
    const r = flare(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
