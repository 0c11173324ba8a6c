#!/usr/bin/env node
// npm run cf:verify [-- -c wrangler.generated.toml] [--remote]
// Checks that a wrangler config declares every binding BurstFlare needs, that resource ids are
// real (not the local placeholders), and with --remote that the account has those resources and
// the Worker's secrets are set. Prints one line per check; exits non-zero on any failure.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "smol-toml";
import { REQUIRED_BINDINGS, REQUIRED_SECRETS } from "./lib/cloudflare-config.mjs";
import { ROOT, run } from "./lib/processes.mjs";

const { values } = parseArgs({
  options: { config: { type: "string", short: "c", default: "wrangler.toml" }, remote: { type: "boolean", default: false } },
});
const configPath = path.resolve(ROOT, values.config);
const config = parse(readFileSync(configPath, "utf8"));
const isLocal = path.basename(configPath) === "wrangler.toml";
const results = [];
const check = (ok, what, fix = "") => results.push({ ok, what, fix });
const placeholder = (id) => !id || /^0+(-0+)*$/.test(id.replace(/-/g, "")) || /^0+$/.test(id);

const bindingNames = (list = [], key = "binding") => list.map((b) => b[key] ?? b.name);
const d1 = config.d1_databases ?? [];
const kv = config.kv_namespaces ?? [];
const present = {
  d1: bindingNames(d1),
  kv: bindingNames(kv),
  r2: bindingNames(config.r2_buckets),
  queueProducers: bindingNames(config.queues?.producers),
  workflows: bindingNames(config.workflows),
  durableObjects: bindingNames(config.durable_objects?.bindings, "name"),
  containers: (config.containers ?? []).map((c) => c.class_name),
};
for (const [kind, names] of Object.entries(REQUIRED_BINDINGS)) {
  for (const name of names) check(present[kind].includes(name), `${kind} binding ${name}`, `declare it in ${values.config}`);
}
const consumers = config.queues?.consumers ?? [];
const buildQueue = config.queues?.producers?.find((p) => p.binding === "BUILD_QUEUE")?.queue;
const buildConsumer = consumers.find((c) => c.queue === buildQueue);
check(Boolean(buildConsumer), "build queue has a consumer");
check(Boolean(buildConsumer?.dead_letter_queue), "build queue has a dead-letter queue");
check(
  consumers.some((c) => c.queue === buildConsumer?.dead_letter_queue),
  "dead-letter queue has a consumer",
);
check((config.triggers?.crons ?? []).length > 0, "cron trigger for reconcile");
check(config.observability?.enabled === true, "Workers observability enabled");
for (const c of config.containers ?? []) check(Boolean(c.image), `container ${c.class_name} has an image (${c.image})`);
check(["local", "containers"].includes(config.vars?.RUNTIME_DRIVER), `RUNTIME_DRIVER is local|containers (${config.vars?.RUNTIME_DRIVER})`);
check(["open", "invite-only", "closed"].includes(config.vars?.SIGNUP_POLICY), `SIGNUP_POLICY is set (${config.vars?.SIGNUP_POLICY})`);

if (!isLocal) {
  check(!placeholder(d1[0]?.database_id), "D1 database_id is a real id", "run scripts/cloudflare-provision.mjs");
  check(!placeholder(kv[0]?.id), "KV namespace id is a real id", "run scripts/cloudflare-provision.mjs");
  check(Boolean(config.account_id), "account_id set");
  check(
    (config.routes ?? []).some((r) => String(r.pattern ?? r).endsWith("/api/*")),
    "route for /api/*",
  );
  check(
    (config.routes ?? []).some((r) => String(r.pattern ?? r).endsWith("/runtime/*")),
    "route for /runtime/*",
  );
  check(
    (config.routes ?? []).some((r) => /^\*\.[^/]+\/\*$/.test(String(r.pattern ?? r))),
    "wildcard route for the preview hosts (*.<preview domain>/*)",
  );
  check(
    /^https:\/\/\*\.[a-z0-9.-]+$/.test(config.vars?.PREVIEW_ORIGIN ?? ""),
    `PREVIEW_ORIGIN is https://*.<preview domain> (${config.vars?.PREVIEW_ORIGIN})`,
  );
  check(config.vars?.RUNTIME_DRIVER === "containers", "production uses the containers runtime driver");
} else {
  check(true, "local config: placeholder resource ids are fine for wrangler dev");
}

if (values.remote) {
  const wrangler = path.join(ROOT, "node_modules/.bin/wrangler");
  const json = async (args) => JSON.parse(await run(wrangler, [...args], { quiet: true, env: { CI: "true" } }));
  try {
    const secrets = (await json(["secret", "list", "-c", configPath, "--format", "json"])).map((s) => s.name);
    for (const name of REQUIRED_SECRETS)
      check(secrets.includes(name), `secret ${name} is set`, `wrangler secret put ${name} -c ${values.config}`);
    const dbs = await json(["d1", "list", "--json"]);
    check(
      dbs.some((db) => db.uuid === d1[0]?.database_id),
      "D1 database exists in the account",
    );
  } catch (err) {
    check(false, "reach the Cloudflare account through wrangler", `wrangler login (${err.message.split("\n")[0]})`);
  }
}

for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.what}${!r.ok && r.fix ? ` — ${r.fix}` : ""}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`cf:verify — ${results.length - failed} checks ok, ${failed} failing`);
process.exit(failed ? 1 : 0);
