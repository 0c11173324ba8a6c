import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The repository's own top-level folders: a path starting with one of these names a file of ours. */
const TOP = ["api", "web", "runtime", "cli", "sdk", "scripts", "test", "e2e", "docs", "migrations", "bench"];
// Preceded by nothing path-like, so `/api/openapi.json` (a URL) and `./bench/x.mjs` (relative) are not read as ours.
const REFERENCE = new RegExp(`(?<![\\w./-])((?:${TOP.join("|")})/[\\w./-]+\\.(?:ts|tsx|mjs|md|sql|json|sh|toml))\\b`, "g");

const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((f) => /\.(ts|tsx|mjs|md|sql)$/.test(f) && !f.endsWith("worker-configuration.d.ts"));

/** Every path a comment or a document names, with where it is named. Globs and templates are not single files. */
function references(): { from: string; to: string }[] {
  return tracked.flatMap((from) => {
    const full = path.join(ROOT, from);
    if (!existsSync(full)) return [];
    return [...readFileSync(full, "utf8").matchAll(REFERENCE)]
      .map((m) => m[1]!.replace(/\.$/, ""))
      .filter((to) => !/[*<>{}]/.test(to))
      .map((to) => ({ from, to }));
  });
}

/** An output the repository ignores on purpose (bench/results.json): named by docs, made by a run. */
function isIgnoredOutput(file: string): boolean {
  try {
    execFileSync("git", ["check-ignore", "-q", "--no-index", file], { cwd: ROOT });
    return true;
  } catch {
    return false;
  }
}

describe("references between files", () => {
  it("name files that exist: comments and docs point inside the repository, at real files", () => {
    const refs = references();
    expect(refs.length, "the scan found references to check").toBeGreaterThan(100);
    // Against what git tracks, not this checkout's disk: a file left by a local run is not in a fresh clone.
    const files = new Set(execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n"));
    const folders = new Set(
      [...files].flatMap((f) =>
        f
          .split("/")
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
      ),
    );
    const missing = refs.filter((r) => !files.has(r.to) && !folders.has(r.to) && !isIgnoredOutput(r.to));
    expect(missing.map((r) => `${r.from} → ${r.to}`)).toEqual([]);
  });

  it("never cite the founders' documents outside the repository", () => {
    const outside = tracked.filter((f) => {
      const full = path.join(ROOT, f);
      return existsSync(full) && /\.\.\/shared\/|(?<![\w/])DESIGN\.md|(?<![\w/])STYLE\.md/.test(readFileSync(full, "utf8"));
    });
    expect(outside).toEqual([]);
  });
});
