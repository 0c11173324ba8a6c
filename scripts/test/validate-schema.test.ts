import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const persistTo = mkdtempSync(path.join(tmpdir(), "bf-schema-"));
const wrangler = path.resolve("node_modules/.bin/wrangler");
const env = {
  ...process.env,
  PATH: `${path.resolve("node_modules/.bin")}:${process.env.PATH}`,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
};

async function validate(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "scripts/validate-schema.mjs", "--persist-to", persistTo],
      { env },
    );
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

afterAll(() => rmSync(persistTo, { recursive: true, force: true }));

describe("cf:validate-schema", () => {
  it("passes on a migrated database and names the drift after a hand edit", async () => {
    await exec(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { env });
    const clean = await validate();
    expect(clean.output).toContain("matches the migrations");
    expect(clean.code).toBe(0);

    await exec(
      wrangler,
      ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", "ALTER TABLE sessions ADD COLUMN sneaky TEXT"],
      { env },
    );
    const drifted = await validate();
    expect(drifted.code).not.toBe(0);
    expect(drifted.output).toContain('table sessions: unexpected column "sneaky TEXT"');
  }, 120_000);
});
