import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder } from "./helpers/files";

/**
 * The shape the code keeps (docs/architecture.md): D1 is reached only from repository modules,
 * which own every SQL statement; the contract is the workspace package `@burstflare/sdk`,
 * imported by name, never by a relative path into sdk/.
 */

const isRepository = (file: string) => file.endsWith("-repo.ts") || file === path.join("api", "src", "lib", "db.ts");

describe("the data layer", () => {
  const sources = filesUnder(path.join("api", "src"), (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

  it("reaches D1 only in repositories: no env.DB, D1Database or prepare() elsewhere in api/src", () => {
    const offenders = sources
      .filter((f) => !isRepository(f))
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .map((line, i) => ({ f, line, i }))
          .filter(({ line }) => /\.DB\b|\bD1Database\b|\.prepare\(/.test(line))
          .map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });

  it("keeps SQL statements in repositories", () => {
    const sql = /["'`]\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s)/;
    const offenders = sources.filter((f) => !isRepository(f) && sql.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("has repositories to check (the walk found the source tree)", () => {
    expect(sources.filter(isRepository).length).toBeGreaterThan(10);
  });
});

describe("the contract package", () => {
  it("is imported by name: no relative path into sdk/ from outside it", () => {
    const roots = ["api", "web", "runtime", "cli", "test", "e2e", "scripts"];
    const code = (f: string) => /\.(ts|tsx|mts|mjs|js)$/.test(f);
    const offenders = roots
      .flatMap((r) => filesUnder(r, code))
      .filter((f) => /["'](\.\.?\/)+(\.\.\/)*sdk(\/|["'])/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
