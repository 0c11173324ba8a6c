#!/usr/bin/env node
// npm run bench [-- --runs N] [--only a,b] [--base-url URL --token bfa_…]
// Starts its own local stack (unless --base-url), runs each scenario of scripts/bench/ several
// times, prints median / p95 / ratio to the direct-to-agent baseline and writes bench/results.json.
// Scenarios are one file each: export default { name, description, run(ctx) → rows }.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import apiLoad from "./bench/api-load.mjs";
import bundleSize from "./bench/bundle-size.mjs";
import { createContext, createLocalBenchUser } from "./bench/context.mjs";
import sessionStart from "./bench/session-start.mjs";
import snapshotSaveRestore from "./bench/snapshot-save-restore.mjs";
import sshThroughput from "./bench/ssh-throughput.mjs";
import { formatTable, summarize } from "./bench/stats.mjs";
import terminalEcho from "./bench/terminal-echo.mjs";
import terminalThroughput from "./bench/terminal-throughput.mjs";
import { ROOT, startStack } from "./lib/processes.mjs";

/** Add new scenarios here (SSH, snapshots, API latency, …). */
const SCENARIOS = [sessionStart, terminalEcho, terminalThroughput, apiLoad, bundleSize, snapshotSaveRestore, sshThroughput];

const { values } = parseArgs({
  options: {
    "base-url": { type: "string" },
    token: { type: "string" },
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    out: { type: "string", default: "bench/results.json" },
  },
});

const runs = Math.max(1, Number(values.runs) || 5);
const selected = values.only ? SCENARIOS.filter((s) => values.only.split(",").includes(s.name)) : SCENARIOS;
if (selected.length === 0) {
  console.error(`no scenario matches --only ${values.only}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

// Own ports, apart from `npm run dev` (8787/8790) and the test stacks (test/ports.ts).
const base = Number(process.env.BF_TEST_PORT_BASE ?? 8788);
const port = base + 5;
const runtimePort = base + 6;

let stack = null;
let ctx;
if (values["base-url"]) {
  if (!values.token) {
    console.error("--base-url needs --token (a CLI access or API token)");
    process.exit(2);
  }
  ctx = createContext({ baseURL: values["base-url"].replace(/\/$/, ""), token: values.token, runs, host: null });
} else {
  const persistTo = path.join(ROOT, `.wrangler/bench-${base}-state`);
  const runtimes = path.join(ROOT, `.wrangler/bench-${base}-runtimes`);
  rmSync(persistTo, { recursive: true, force: true });
  rmSync(runtimes, { recursive: true, force: true });
  console.log(`starting a local stack on http://localhost:${port} …`);
  stack = await startStack({
    port,
    runtimePort,
    persistTo,
    runtimeDataDir: runtimes,
    logDir: path.join(ROOT, `.wrangler/logs/bench-${base}`),
    vars: { SECRETS_KEY: "YmVuY2gtc2VjcmV0cy1rZXktMzItYnl0ZXMtbG9uZyEh" },
  });
  const token = await createLocalBenchUser(persistTo);
  ctx = createContext({
    baseURL: stack.baseURL,
    token,
    runs,
    host: { url: `http://127.0.0.1:${runtimePort}`, secret: stack.runtimeSecret },
    persistTo,
  });
}

const rows = [];
try {
  for (const scenario of selected) {
    process.stdout.write(`${scenario.name}: ${scenario.description} (${runs} runs) … `);
    const t0 = performance.now();
    for (const result of await scenario.run(ctx)) {
      const s = summarize(result.samples);
      const direct = result.direct?.length ? summarize(result.direct) : null;
      rows.push({
        scenario: scenario.name,
        metric: result.metric,
        unit: result.unit,
        better: result.better,
        ...s,
        direct,
        // >1 means the proxied path is slower (ms) or carries less (MB/s) than the direct one.
        ratio: direct ? (result.better === "lower" ? s.median / direct.median : direct.median / s.median) : null,
      });
    }
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await stack?.stop();
}

console.log(`\n${formatTable(rows)}\n`);
const out = path.resolve(ROOT, values.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      target: values["base-url"] ?? "local stack",
      runs,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? null, node: process.version, platform: process.platform },
      results: rows,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
