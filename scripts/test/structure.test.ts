import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The shape the code keeps (docs/architecture.md): D1 is reached only from repository modules,
 * which own every SQL statement; the contract is the workspace package `@burstflare/sdk`,
 * imported by name, never by a relative path into sdk/.
 */

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "dist") out.push(...filesUnder(full, keep));
    } else if (keep(full)) out.push(full);
  }
  return out;
}

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

/** Where each package's sources live; its tests live in `<pkg>/test/`, a tree that mirrors them. */
const PACKAGES: Record<string, string> = {
  api: path.join("api", "src"),
  web: path.join("web", "src"),
  runtime: path.join("runtime", "src"),
  cli: path.join("cli", "src"),
  sdk: "sdk",
  scripts: "scripts",
};
/** Test-tree folders that mirror no source folder: shared helpers, the runtime's integration suite, data. */
const TEST_ONLY = new Set(["helpers", "integration", "fixtures"]);
const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const isDir = (dir: string) => {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
};

describe("the test layout (docs/architecture.md)", () => {
  it("has no test file under a src/ folder", () => {
    const offenders = [...Object.keys(PACKAGES), "test", "e2e"]
      .flatMap((root) => filesUnder(root, isTest))
      .filter((f) => f.split(path.sep).includes("src"));
    expect(offenders).toEqual([]);
  });

  it("keeps each package's tests in <pkg>/test/", () => {
    const offenders = Object.keys(PACKAGES).flatMap((pkg) =>
      filesUnder(pkg, isTest).filter((f) => !f.startsWith(path.join(pkg, "test") + path.sep)),
    );
    expect(offenders).toEqual([]);
  });

  it("mirrors the sources: every folder of a test tree is a folder of its package's sources", () => {
    const offenders = Object.entries(PACKAGES).flatMap(([pkg, src]) =>
      filesUnder(path.join(pkg, "test"), isTest)
        .map((f) => path.dirname(path.relative(path.join(pkg, "test"), f)))
        .filter((dir) => dir !== "." && !TEST_ONLY.has(dir.split(path.sep)[0]!) && !isDir(path.join(src, dir)))
        .map((dir) => path.join(pkg, "test", dir)),
    );
    expect([...new Set(offenders)]).toEqual([]);
  });

  it("has tests to check in every package (the walk found the test trees)", () => {
    for (const pkg of Object.keys(PACKAGES)) expect(filesUnder(path.join(pkg, "test"), isTest).length, pkg).toBeGreaterThan(0);
  });
});

describe("the API's routes", () => {
  it("live only in api/src/<domain>/routes/: no routes folder or file anywhere else in api/src", () => {
    const offenders = filesUnder(path.join("api", "src"), () => true)
      .map((f) => path.relative(path.join("api", "src"), f).split(path.sep))
      .filter((parts) => parts.some((p, i) => /^routes(\.\w+)?$/.test(p) && !(p === "routes" && i === 1 && parts[0] !== "routes")))
      .map((parts) => path.join("api", "src", ...parts));
    expect(offenders).toEqual([]);
  });
});
