#!/usr/bin/env node
// node scripts/cloudflare-provision.mjs [--settings .env] [--dry-run]
// Creates BurstFlare's Cloudflare resources with wrangler (D1, KV, R2, queues) and writes
// their ids back into the env file. Safe to rerun: existing resources are found, not duplicated.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { readEnvFile } from "./lib/env-file.mjs";
import { ROOT, run } from "./lib/processes.mjs";

const { values } = parseArgs({
  options: { settings: { type: "string", default: path.join(ROOT, ".env") }, "dry-run": { type: "boolean", default: false } },
});
const envFile = values.settings;
const s = readEnvFile(envFile);
const wrangler = path.join(ROOT, "node_modules/.bin/wrangler");
const dry = values["dry-run"];

async function wr(args) {
  console.log(`$ wrangler ${args.join(" ")}`);
  if (dry) return "";
  return run(wrangler, args, { quiet: true });
}

function setSetting(key, value) {
  s[key] = value;
  if (dry) return;
  const text = existsSync(envFile) ? readFileSync(envFile, "utf8") : readFileSync(path.join(ROOT, ".env.example"), "utf8");
  const line = `${key}=${value}`;
  const next = new RegExp(`^${key}=.*$`, "m").test(text)
    ? text.replace(new RegExp(`^${key}=.*$`, "m"), line)
    : `${text.trimEnd()}\n${line}\n`;
  writeFileSync(envFile, next);
}

const names = {
  db: s.D1_DATABASE_NAME || "burstflare",
  bucket: s.R2_BUCKET || "burstflare",
  queues: [s.BUILD_QUEUE || "burstflare-builds", s.BUILD_DLQ || "burstflare-builds-dlq", s.RECONCILE_QUEUE || "burstflare-reconcile"],
};

if (!s.D1_DATABASE_ID) {
  const list = dry ? [] : JSON.parse(await wr(["d1", "list", "--json"]));
  const existing = list.find((db) => db.name === names.db);
  if (existing) setSetting("D1_DATABASE_ID", existing.uuid);
  else {
    const out = await wr(["d1", "create", names.db]);
    const id = out.match(/database_id\s*=\s*"([^"]+)"/)?.[1] ?? out.match(/"database_id":\s*"([^"]+)"/)?.[1];
    if (id) setSetting("D1_DATABASE_ID", id);
  }
}
if (!s.KV_NAMESPACE_ID) {
  const out = await wr(["kv", "namespace", "create", "burstflare-kv"]);
  const id = out.match(/id\s*=\s*"([0-9a-f]{32})"/)?.[1] ?? out.match(/"id":\s*"([0-9a-f]{32})"/)?.[1];
  if (id) setSetting("KV_NAMESPACE_ID", id);
}
await wr(["r2", "bucket", "create", names.bucket]).catch((err) => console.log(`  (bucket: ${err.message.split("\n")[0]})`));
for (const q of names.queues)
  await wr(["queues", "create", q]).catch((err) => console.log(`  (queue ${q}: ${err.message.split("\n")[0]})`));

console.log(`
Next:
  node scripts/cloudflare-generate-wrangler.mjs > wrangler.generated.toml
  npx wrangler d1 migrations apply DB --remote -c wrangler.generated.toml
  npx wrangler secret put SECRETS_KEY -c wrangler.generated.toml      # e.g. ${randomBytes(32).toString("base64url")}
  npx wrangler secret put TURNSTILE_SECRET_KEY -c wrangler.generated.toml   # optional
  npm run cf:verify -- -c wrangler.generated.toml --remote
  npm run deploy`);
