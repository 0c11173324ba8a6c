import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Where things live (docs/architecture.md, "Tests"): each package's tests in `<pkg>/test/`, a tree
 * that mirrors its sources, none under a `src/` folder; the API's routes only in
 * `api/src/<domain>/routes/`. The data layer and the contract's imports: structure.test.ts.
 */

/** Where each package's sources live. */
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

/** Every file below `dir` (paths from the repository root), build output and installs left out. */
const walk = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => !f.split(path.sep).some((p) => p === "node_modules" || p === "dist") && statSync(f).isFile());
const testsIn = (dir: string) => walk(dir).filter((f) => /\.test\.tsx?$/.test(f));
const isDir = (dir: string) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
/** A test tree's root mirrors the sources' root only when files live there (runtime/src has none). */
const mirrors = (src: string, dir: string) =>
  dir === "."
    ? readdirSync(src, { withFileTypes: true }).some((e) => e.isFile())
    : TEST_ONLY.has(dir.split(path.sep)[0]!) || isDir(path.join(src, dir));

describe("the test layout", () => {
  it("has no test file under a src/ folder", () => {
    const offenders = [...Object.keys(PACKAGES), "test", "e2e"].flatMap(testsIn).filter((f) => f.split(path.sep).includes("src"));
    expect(offenders).toEqual([]);
  });

  it("keeps each package's tests in <pkg>/test/", () => {
    const offenders = Object.keys(PACKAGES).flatMap((pkg) => testsIn(pkg).filter((f) => !f.startsWith(path.join(pkg, "test") + path.sep)));
    expect(offenders).toEqual([]);
  });

  it("mirrors the sources: every folder of a test tree is a folder of its package's sources", () => {
    const offenders = Object.entries(PACKAGES).flatMap(([pkg, src]) =>
      testsIn(path.join(pkg, "test"))
        .map((f) => path.dirname(path.relative(path.join(pkg, "test"), f)))
        .filter((dir) => !mirrors(src, dir))
        .map((dir) => path.join(pkg, "test", dir)),
    );
    expect([...new Set(offenders)]).toEqual([]);
  });

  it("has tests to check in every package (the walk found the test trees)", () => {
    for (const pkg of Object.keys(PACKAGES)) expect(testsIn(path.join(pkg, "test")).length, pkg).toBeGreaterThan(0);
  });
});

describe("the API's routes", () => {
  it("live only in api/src/<domain>/routes/: no routes folder or file anywhere else in api/src", () => {
    const offenders = walk(path.join("api", "src"))
      .map((f) => path.relative(path.join("api", "src"), f).split(path.sep))
      .filter((parts) => parts.some((p, i) => /^routes(\.\w+)?$/.test(p) && !(p === "routes" && i === 1 && parts[0] !== "routes")))
      .map((parts) => path.join("api", "src", ...parts));
    expect(offenders).toEqual([]);
  });
});
