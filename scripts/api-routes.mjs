#!/usr/bin/env node
// Regenerates sdk/api-routes.ts from the Worker's OpenAPI document, offline: the workers test
// api/test/api-routes.test.ts serves /api/openapi.json in workerd and, with API_ROUTES_DUMP set,
// prints the rendered file between markers; this script writes it out.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MARKER = "@@api-routes@@";
const run = spawnSync(join(root, "node_modules/.bin/vitest"), ["run", "--project", "workers", "api/test/api-routes.test.ts"], {
  cwd: root,
  env: { ...process.env, API_ROUTES_DUMP: "1" },
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
const out = `${run.stdout}\n${run.stderr}`;
const start = out.indexOf(MARKER);
const end = start < 0 ? -1 : out.indexOf(MARKER, start + MARKER.length);
if (end < 0) {
  process.stderr.write(out);
  console.error("api:routes: the workers test printed no route table (see its output above)");
  process.exit(1);
}
const text = JSON.parse(out.slice(start + MARKER.length, end));
writeFileSync(join(root, "sdk/api-routes.ts"), text);
// Formatted like the rest of the tree, so `npm run lint` stays clean after a regeneration.
spawnSync(join(root, "node_modules/.bin/biome"), ["format", "--write", "sdk/api-routes.ts"], { cwd: root, stdio: "ignore" });
console.log(`api:routes: wrote sdk/api-routes.ts (${text.split("\n").filter((l) => l.startsWith('  "')).length} routes)`);
