import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { api, baseURL, expectOK } from "./helpers/api";
import { stackOperator } from "./helpers/users";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs `node scripts/smoke.mjs --base-url URL` exactly as an operator would and collects its output. */
function runSmoke(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts/smoke.mjs"), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("scripts/smoke.mjs against the stack", () => {
  it("passes every step, the admin report included, with operator credentials", async () => {
    const operator = stackOperator();
    // The stack is invite-only, as production defaults to: the operator admits the smoke account.
    const invite = (await expectOK(await api(operator, "POST /api/admin/signup-invites", { body: {} }))) as { code: string };
    const { code, stdout, stderr } = await runSmoke(["--base-url", baseURL(), "--invite-code", invite.code], {
      BURSTFLARE_OPERATOR_TOKEN: operator.token,
    });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const lines = stdout.split("\n").filter((l) => /^(PASS|FAIL|SKIP) /.test(l));
    expect(lines.map((l) => l.slice(0, 4))).toEqual(Array(11).fill("PASS"));
    expect(stdout).toMatch(
      /PASS {2}terminal command over WebSocket {2}\(\d+(\.\d)? m?s\) {2}echoed burstflare-smoke-bundle-built-by-smoke-42/,
    );
    expect(stdout).toMatch(/^smoke passed in /m);
  }, 600_000);

  it("fails with a FAIL line and exit 1 when a step fails, and refuses a missing base URL", async () => {
    const bad = await runSmoke(["--base-url", baseURL()], { BURSTFLARE_TOKEN: "bfp_not-a-real-token" });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL {2}sign up with a software passkey .*→ unauthorized: /m);
    expect(bad.stdout).toMatch(/^SKIP {2}admin report {2}\(after the failure above\)/m);
    const usage = await runSmoke([], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--base-url");
  });
});
