#!/usr/bin/env node
// `npm run cf:validate-schema [-- --remote] [--persist-to DIR]`: compares a D1 database's
// schema with what the migrations produce and exits non-zero, naming each difference.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT, run } from "./lib/processes.mjs";

const args = process.argv.slice(2);
const remote = args.includes("--remote");
const persistIndex = args.indexOf("--persist-to");
const persistTo = persistIndex >= 0 ? args[persistIndex + 1] : ".wrangler/state";
const configIndex = args.indexOf("--config");
const config = configIndex >= 0 ? args[configIndex + 1] : "wrangler.toml";

const IGNORED = /^(sqlite_|_cf_|d1_migrations$)/;

/** Tables as {name: {columns: "name type notnull default pk"[], indexes: sql[]}}. */
function readSchema(query) {
  const objects = query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name");
  const schema = {};
  for (const o of objects) {
    if (IGNORED.test(o.tbl_name)) continue;
    if (o.type === "table") {
      const cols = query(`PRAGMA table_info("${o.name}")`).map(
        (c) =>
          `${c.name} ${String(c.type).toUpperCase()}${c.notnull ? " NOT NULL" : ""}${c.dflt_value != null ? ` DEFAULT ${c.dflt_value}` : ""}${c.pk ? ` PK${c.pk}` : ""}`,
      );
      schema[o.name] ??= { columns: [], indexes: [] };
      schema[o.name].columns = cols;
    } else if (o.type === "index") {
      schema[o.tbl_name] ??= { columns: [], indexes: [] };
      schema[o.tbl_name].indexes.push(`${o.name}: ${o.sql.replace(/\s+/g, " ").trim()}`);
    }
  }
  return schema;
}

function expectedSchema() {
  const db = new DatabaseSync(":memory:");
  const dir = path.join(ROOT, "migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    db.exec(readFileSync(path.join(dir, file), "utf8"));
  }
  return readSchema((sql) => db.prepare(sql).all());
}

const OBJECTS_SQL = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name";
const COLUMNS_SQL =
  "SELECT m.name AS tbl, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid";

/** Two queries in one wrangler call: every wrangler start costs seconds. */
async function actualSchema() {
  const wranglerBin = path.join(ROOT, "node_modules/.bin/wrangler");
  const where = remote ? ["--remote"] : ["--local", "--persist-to", persistTo];
  const out = await run(
    wranglerBin,
    ["d1", "execute", "DB", ...where, "-c", config, "--json", "--command", `${OBJECTS_SQL}; ${COLUMNS_SQL}`],
    {
      quiet: true,
      env: { CI: "true", WRANGLER_SEND_METRICS: "false" },
    },
  );
  const [objects, columns] = JSON.parse(out.slice(out.indexOf("["))).map((r) => r.results);
  return readSchema((sql) => (sql.startsWith("PRAGMA") ? columns.filter((c) => c.tbl === sql.match(/"(.+)"/)[1]) : objects));
}

const expected = expectedSchema();
const actual = await actualSchema();
const problems = [];
for (const table of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
  const e = expected[table];
  const a = actual[table];
  if (!a) problems.push(`table ${table}: missing from the database`);
  else if (!e) problems.push(`table ${table}: in the database but in no migration`);
  else {
    for (const col of e.columns)
      if (!a.columns.includes(col))
        problems.push(
          `table ${table}: expected column "${col}", database has "${a.columns.find((c) => c.split(" ")[0] === col.split(" ")[0]) ?? "none"}"`,
        );
    for (const col of a.columns)
      if (!e.columns.some((c) => c.split(" ")[0] === col.split(" ")[0])) problems.push(`table ${table}: unexpected column "${col}"`);
    for (const idx of e.indexes) if (!a.indexes.includes(idx)) problems.push(`table ${table}: missing or different index ${idx}`);
    for (const idx of a.indexes) if (!e.indexes.includes(idx)) problems.push(`table ${table}: unexpected index ${idx}`);
  }
}

const where = remote ? "remote D1" : `local D1 (${persistTo})`;
if (problems.length) {
  console.error(`Schema drift in ${where}:\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(`Schema of ${where} matches the migrations (${Object.keys(expected).length} tables).`);
