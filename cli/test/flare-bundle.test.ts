import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function run(bin: string[], args: string[], env: Record<string, string> = {}) {
  const home = mkdtempSync(path.join(os.tmpdir(), "flare-bundle-home-"));
  const res = spawnSync(bin[0]!, [...bin.slice(1), ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: home, BURSTFLARE_CONFIG_DIR: path.join(home, "cfg"), ...env },
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * A checkout of just what the CLI is built from, sharing this repo's installed packages, except
 * the workspace package `@burstflare/sdk`, which is linked to the copy's own sdk/ as npm links it.
 */
function checkoutCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "flare-checkout-"));
  for (const part of ["cli/bin", "cli/src", "cli/build.mjs", "sdk", "package.json", "package-lock.json"]) {
    cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  }
  const modules = path.join(dir, "node_modules");
  mkdirSync(path.join(modules, "@burstflare"), { recursive: true });
  for (const entry of readdirSync(path.join(ROOT, "node_modules"))) {
    if (entry !== "@burstflare") symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
  }
  symlinkSync(path.join(dir, "sdk"), path.join(modules, "@burstflare", "sdk"));
  return dir;
}

describe("the flare bundle in a checkout", () => {
  let dir: string;
  let bin: string[];
  beforeAll(() => {
    dir = checkoutCopy();
    bin = [process.execPath, path.join(dir, "cli/bin/flare.mjs")];
  });

  it("builds the bundle on first run and runs from it", () => {
    expect(existsSync(path.join(dir, "cli/dist"))).toBe(false);
    const r = run(bin, ["--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Usage: flare");
    expect(existsSync(path.join(dir, "cli/dist/flare.mjs"))).toBe(true);
    const { inputs } = JSON.parse(readFileSync(path.join(dir, "cli/dist/inputs.json"), "utf8")) as { inputs: string[] };
    expect(inputs).toContain("cli/src/main.ts");
    expect(inputs).toContain("sdk/schemas/sessions.ts");
    expect(inputs.some((f) => f.includes("node_modules"))).toBe(false);
  });

  it("rebuilds when a source changed, so an edit shows at once", () => {
    const main = path.join(dir, "cli/src/main.ts");
    writeFileSync(main, readFileSync(main, "utf8").replace("BurstFlare from the command line", "Edited flare description"));
    // mtime granularity: make the edit unmistakably newer than the build.
    const later = new Date(Date.now() + 5_000);
    utimesSync(main, later, later);
    const r = run(bin, ["--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Edited flare description");
    // The rebuilt bundle is what ran: it holds the edit.
    const chunks = readdirSync(path.join(dir, "cli/dist")).filter((f) => f.endsWith(".js"));
    expect(chunks.some((f) => readFileSync(path.join(dir, "cli/dist", f), "utf8").includes("Edited flare description"))).toBe(true);
  });

  it("runs the TypeScript sources with FLARE_FROM_SOURCE=1", () => {
    const r = run(bin, ["--version"], { FLARE_FROM_SOURCE: "1" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("node cli/pack.mjs", () => {
  it("packs a package with the bundle and no dependencies that installs and runs without the repo", () => {
    const tgz = execFileSync(process.execPath, [path.join(ROOT, "cli/pack.mjs")], { encoding: "utf8" })
      .trim()
      .split("\n")
      .pop()!;
    const prefix = mkdtempSync(path.join(os.tmpdir(), "flare-install-"));
    execFileSync("npm", ["install", "-g", "--offline", "--no-audit", "--no-fund", "--prefix", prefix, tgz], { stdio: "ignore" });
    const pkg = path.join(prefix, "lib/node_modules/burstflare-cli");
    const manifest = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    expect(existsSync(path.join(pkg, "cli/src"))).toBe(false);
    expect(existsSync(path.join(pkg, "node_modules"))).toBe(false);
    const r = run([process.execPath, path.join(prefix, "bin/flare")], ["--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Usage: flare");
    const offline = run([process.execPath, path.join(prefix, "bin/flare")], ["--json", "--url", "http://127.0.0.1:9", "session", "list"]);
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.stderr).error.code).toBe("network_error");
  });
});
