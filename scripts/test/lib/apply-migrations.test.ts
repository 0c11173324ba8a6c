import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../lib/processes.mjs";

const exec = promisify(execFile);
const persistTo = mkdtempSync(path.join(tmpdir(), "bf-migrate-"));
const env = {
  ...process.env,
  PATH: `${path.resolve("node_modules/.bin")}:${process.env.PATH}`,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
};

afterAll(() => rmSync(persistTo, { recursive: true, force: true }));

describe("applyMigrations (npm run dev, test stacks)", () => {
  it("names a local database made by an earlier cut of the series and says how to start afresh", async () => {
    // What an earlier cut leaves: the tables exist, recorded under migration names the series no longer has.
    await exec(
      path.resolve("node_modules/.bin/wrangler"),
      ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", "CREATE TABLE users (id TEXT PRIMARY KEY)"],
      { env },
    );
    const failure = await applyMigrations({ persistTo }).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(failure).toContain(`the local database in ${persistTo} was made by an earlier cut of the migration series`);
    expect(failure).toContain(`move ${path.join(persistTo, "v3", "d1")} aside`);
  }, 120_000);
});
