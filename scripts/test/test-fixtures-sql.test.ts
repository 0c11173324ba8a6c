import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder } from "./helpers/files";

/**
 * Tests make users, tokens, templates, sessions and the rest through the API, operator seeding
 * or the product's own services and repositories (docs/architecture.md, "Fixtures through the
 * product"), never by writing SQL. A write stays only for a state the product can never reach
 * (tampering, an expiry moved into the past), and says why in a `// fixture-sql: <reason>`
 * comment on the line(s) just above it.
 */

const MARKER = /\/\/\s*fixture-sql:\s*\S.{5,}/;
const SQL_WRITE = /\b(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/;
/** How far above the SQL the marker may sit: the statement's opening lines (`await db.prepare(`, `const sql =`). */
const LOOKBACK = 3;

const isComment = (line: string) => /^\s*(\/\/|\/?\*)/.test(line);

/** Lines (1-based) of `text` with an SQL write no marker comment vouches for. */
function unmarkedSQLWrites(text: string): number[] {
  const lines = text.split("\n");
  const offenders: number[] = [];
  lines.forEach((line, i) => {
    if (isComment(line) || !SQL_WRITE.test(line) || MARKER.test(line)) return;
    for (let j = i - 1; j >= Math.max(0, i - LOOKBACK); j--) {
      const above = lines[j] ?? "";
      if (MARKER.test(above)) return;
      // The statement began below a finished one: nothing further up belongs to it.
      if (!isComment(above) && /[;{}]\s*$/.test(above)) break;
    }
    offenders.push(i + 1);
  });
  return offenders;
}

const SELF = path.join("scripts", "test", "test-fixtures-sql.test.ts");
const ts = (f: string) => f.endsWith(".ts");

describe("test fixtures", () => {
  const files = [
    ...filesUnder(path.join("api", "test"), ts),
    ...filesUnder("test", ts),
    ...filesUnder("e2e", ts),
    ...filesUnder("scripts", (f) => f.endsWith(".mjs") || f.endsWith(".ts")),
  ].filter((f) => f !== SELF);

  it("write no SQL unless a `// fixture-sql: <reason>` comment just above says why", () => {
    const offenders = files.flatMap((f) => unmarkedSQLWrites(readFileSync(f, "utf8")).map((n) => `${f}:${n}`));
    expect(offenders).toEqual([]);
  });

  it("scan the trees they live in (the walk found the Worker tests)", () => {
    expect(files.filter((f) => f.startsWith(path.join("api", "test"))).length).toBeGreaterThan(20);
  });

  it("catch an unmarked write, in one line or spread over several, and accept a marked one", () => {
    const unmarked = [
      "const user = await createTestUser();",
      'await env.DB.prepare("UPDATE sessions SET state = ? WHERE id = ?").bind("stopped", id).run();',
      "await env.DB.prepare(",
      '  "INSERT INTO templates (id, name) VALUES (?, ?)",',
      ").bind(id, name).run();",
      "db.exec(`DELETE FROM invites WHERE id = 'inv_1'`);",
    ].join("\n");
    expect(unmarkedSQLWrites(unmarked)).toEqual([2, 4, 6]);
    const marked = [
      "const user = await createTestUser();",
      "// fixture-sql: tampering: a sealed row copied to another workspace",
      "await env.DB.prepare(",
      '  "INSERT INTO workspace_secrets SELECT * FROM workspace_secrets WHERE workspace_id = ?",',
      ").bind(ws).run();",
    ].join("\n");
    expect(unmarkedSQLWrites(marked)).toEqual([]);
    // A marker does not reach past the end of the statement above it, and needs a reason.
    const stale = ["// fixture-sql: backdates the grant", "await expire(grant);", 'await db.prepare("DELETE FROM users").run();'].join(
      "\n",
    );
    expect(unmarkedSQLWrites(stale)).toEqual([3]);
    expect(unmarkedSQLWrites('// fixture-sql:\nawait db.prepare("DELETE FROM users").run();')).toEqual([2]);
  });
});
