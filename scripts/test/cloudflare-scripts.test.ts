import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const root = path.resolve(".");
const tmp = mkdtempSync(path.join(tmpdir(), "bf-cf-"));
// The generated config must sit in the repo root: its `main` and container image paths are relative.
const generated = path.join(root, `wrangler.generated.test-${process.pid}.toml`);
const env = {
  ...process.env,
  PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}`,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
};

async function node(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, args, { env, cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(generated, { force: true });
});

describe("Cloudflare provisioning scripts", () => {
  const settings = path.join(tmp, "settings.env");
  writeFileSync(
    settings,
    [
      "CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef",
      "BURSTFLARE_HOSTNAME=dev.example.com",
      "CLOUDFLARE_ZONE_NAME=example.com",
      "D1_DATABASE_ID=11111111-2222-3333-4444-555555555555",
      "KV_NAMESPACE_ID=abcdefabcdefabcdefabcdefabcdef12",
      "OPERATOR_EMAILS=ops@example.com",
    ].join("\n"),
  );

  it("generates a production config that wrangler accepts for a dry-run deploy and cf:verify passes", async () => {
    const gen = await node(["scripts/cloudflare-generate-wrangler.mjs", "--settings", settings]);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toContain('pattern = "dev.example.com/api/*"');
    expect(gen.stdout).toContain('pattern = "*.preview.dev.example.com/*"');
    expect(gen.stdout).toContain('PREVIEW_ORIGIN = "https://*.preview.dev.example.com"');
    expect(gen.stdout).toContain('SIGNUP_POLICY = "invite-only"');
    expect(gen.stdout).toContain('RUNTIME_DRIVER = "containers"');
    writeFileSync(generated, gen.stdout);

    const dry = await exec(
      path.join(root, "node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--containers-rollout=none", "-c", generated, "--outdir", path.join(tmp, "out")],
      { env, cwd: root },
    );
    expect(dry.stdout + dry.stderr).toContain("--dry-run: exiting now.");

    const verify = await node(["scripts/cf-verify.mjs", "-c", generated]);
    expect(verify.stdout).toContain("0 failing");
    expect(verify.code).toBe(0);
  }, 60_000);

  it("never turns on test-only surfaces: OPERATOR_SEEDING and BF_TEST_HOOKS stay out of every deployable config", async () => {
    const risky = path.join(tmp, "risky.env");
    writeFileSync(risky, `${readFileSync(settings, "utf8")}\nOPERATOR_SEEDING=1\nBF_TEST_HOOKS=1\n`);
    const gen = await node(["scripts/cloudflare-generate-wrangler.mjs", "--settings", risky]);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toContain("OPERATOR_EMAILS");
    for (const config of [gen.stdout, readFileSync(path.join(root, "wrangler.toml"), "utf8")]) {
      expect(config).not.toMatch(/OPERATOR_SEEDING|BF_TEST_HOOKS/);
    }
  });

  it("cf:verify fails, naming the binding, when the config lacks one", async () => {
    const gen = await node(["scripts/cloudflare-generate-wrangler.mjs", "--settings", settings]);
    writeFileSync(generated, gen.stdout.replace(/\[\[workflows\]\][^[]+/, ""));
    const verify = await node(["scripts/cf-verify.mjs", "-c", generated]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("FAIL workflows binding BUILD_WORKFLOW");
  });

  it("refuses to generate without the required settings", async () => {
    const partial = path.join(tmp, "partial.env");
    writeFileSync(partial, "BURSTFLARE_HOSTNAME=dev.example.com\n");
    const gen = await node(["scripts/cloudflare-generate-wrangler.mjs", "--settings", partial]);
    expect(gen.code).toBe(1);
    expect(gen.stderr).toContain("CLOUDFLARE_ACCOUNT_ID");
    expect(readFileSync(partial, "utf8")).toBe("BURSTFLARE_HOSTNAME=dev.example.com\n");
  });

  it("the local wrangler.toml deploys in a dry run, containers entry included", async () => {
    // wrangler checks that the SPA's assets folder exists; its content does not matter here.
    mkdirSync(path.join(root, "dist/web"), { recursive: true });
    const dry = await exec(
      path.join(root, "node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--containers-rollout=none", "--outdir", path.join(tmp, "local")],
      {
        env,
        cwd: root,
      },
    );
    expect(dry.stdout + dry.stderr).toContain("burstflare-workspacecontainer");
    expect(dry.stdout + dry.stderr).toContain("--dry-run: exiting now.");
  }, 60_000);

  it("the local wrangler.toml passes cf:verify", async () => {
    const verify = await node(["scripts/cf-verify.mjs"]);
    expect(verify.code).toBe(0);
  });
});
