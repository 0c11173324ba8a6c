#!/usr/bin/env node
// npm run bench [-- --runs N] [--only a,b] [--base-url URL --token bfa_…] [--markdown]
// Starts its own local stack (unless --base-url), runs each scenario of scripts/bench/ several
// times, prints median / p95 / ratio to the direct baseline measured in the same run, checks the
// issue's targets and writes bench/results.json.
// Scenarios are one file each: export default { name, description, run(ctx) → rows }.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import apiLoad from "./bench/api-load.mjs";
import automationExec from "./bench/automation-exec.mjs";
import bundleSize from "./bench/bundle-size.mjs";
import cliStart from "./bench/cli-start.mjs";
import { BENCH_OPERATOR_EMAIL, benchOperator, createContext, createLocalBenchUser } from "./bench/context.mjs";
import { formatSummary, profileFiles, summarize } from "./bench/profile-summary.mjs";
import sessionList from "./bench/session-list.mjs";
import sessionStart from "./bench/session-start.mjs";
import snapshotSaveRestore from "./bench/snapshot-save-restore.mjs";
import sshThroughput from "./bench/ssh-throughput.mjs";
import { formatMarkdown, formatTable, toRow } from "./bench/stats.mjs";
import terminalEcho from "./bench/terminal-echo.mjs";
import terminalThroughput from "./bench/terminal-throughput.mjs";
import wakeIntent from "./bench/wake-intent.mjs";
import { buildWeb, ROOT, removeRuntimeDataDir, startStack } from "./lib/processes.mjs";

/** Add new scenarios here (SSH, snapshots, API latency, …). */
const SCENARIOS = [
  sessionStart,
  terminalEcho,
  terminalThroughput,
  apiLoad,
  sessionList,
  bundleSize,
  snapshotSaveRestore,
  sshThroughput,
  wakeIntent,
  cliStart,
  automationExec,
];

const { values } = parseArgs({
  options: {
    "base-url": { type: "string" },
    token: { type: "string" },
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    out: { type: "string", default: "bench/results.json" },
    markdown: { type: "boolean", default: false },
    // V8 CPU profiles of the agents and of flare ssh-proxy, summarised at the end (bench/profiles/).
    profile: { type: "boolean", default: false },
    // containers: every runtime in a real container (scripts/containers); rows are labelled by driver.
    driver: { type: "string", default: "local" },
  },
});
if (values.driver !== "local" && values.driver !== "containers") {
  console.error(`--driver must be local or containers, not ${values.driver}`);
  process.exit(2);
}
const driver = values["base-url"] ? "remote" : values.driver;

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
const benchStarted = performance.now();
// Children (wrangler d1 execute, flare) find the Node 22 of the `node` devDependency first, as under npm run.
process.env.PATH = `${path.join(ROOT, "node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}`;

let stack = null;
let ctx;
// The runtime host passes this on to every agent it starts (runtime/src/host/agent-bundle.ts).
const profileDir = values.profile ? path.join(ROOT, "bench/profiles", new Date().toISOString().replace(/[:.]/g, "-")) : null;
if (profileDir) process.env.BURSTFLARE_AGENT_CPU_PROF_DIR = path.join(profileDir, "agent");
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
  removeRuntimeDataDir(runtimes);
  // The SPA is built from this tree (bundle-size measures it); the stack serves a frozen copy of
  // Worker and SPA so edits elsewhere in the tree do not reload the Worker mid-run.
  // session-list measures the SPA this tree builds, in a browser.
  const needsWeb = selected.includes(bundleSize) || selected.includes(sessionList) || !existsSync(path.join(ROOT, "dist/web/index.html"));
  if (needsWeb) {
    process.stdout.write("building the SPA … ");
    const t0 = performance.now();
    await buildWeb();
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(`starting a local stack (${driver} driver) on http://localhost:${port} …`);
  const t0 = performance.now();
  stack = await startStack({
    port,
    runtimePort,
    persistTo,
    runtimeDataDir: runtimes,
    logDir: path.join(ROOT, `.wrangler/logs/bench-${base}`),
    freeze: true,
    driver,
    vars: {
      SECRETS_KEY: "YmVuY2gtc2VjcmV0cy1rZXktMzItYnl0ZXMtbG9uZyEh",
      // Bench fixtures (users, bulk session rows) are made by the operator's seeding routes.
      OPERATOR_EMAILS: BENCH_OPERATOR_EMAIL,
      OPERATOR_SEEDING: "1",
    },
  });
  console.log(`stack up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // An interrupted bench still stops what it started.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      stack.stop().finally(() => process.exit(130));
    });
  }
  let operator;
  let token;
  try {
    operator = await benchOperator(stack.baseURL, stack.bootstrapCode);
    token = await createLocalBenchUser(operator);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  ctx = createContext({
    baseURL: stack.baseURL,
    token,
    runs,
    // Direct-to-agent baselines need the local runtime host; containers are reached only through their DO.
    host: driver === "local" ? { url: `http://127.0.0.1:${runtimePort}`, secret: stack.runtimeSecret } : null,
    persistTo,
    operator,
    webBuilt: needsWeb,
    workerBundleDir: stack.frozenWorkerDir,
    profileDir,
    wranglerGroup: stack.wranglerGroup,
  });
}

/**
 * Profile summaries: one per agent (each scenario's session has its own agent, and the files are
 * named by the time the agent stopped), and all flare ssh-proxy runs added up.
 */
function printProfiles(dir) {
  const files = (kind) => (existsSync(path.join(dir, kind)) ? profileFiles([path.join(dir, kind)]).sort() : []);
  for (const file of files("agent")) {
    console.log(`\n${formatSummary(summarize([file]), { title: `agent ${path.relative(ROOT, file)}` })}`);
  }
  const proxies = files("ssh-proxy");
  if (proxies.length) {
    const title = `flare ssh-proxy (${proxies.length} runs in ${path.relative(ROOT, path.join(dir, "ssh-proxy"))})`;
    console.log(`\n${formatSummary(summarize(proxies), { title })}`);
  }
}

const rows = [];
const failures = [];
try {
  for (const scenario of selected) {
    process.stdout.write(`${scenario.name}: ${scenario.description} … `);
    const t0 = performance.now();
    try {
      for (const result of await scenario.run(ctx)) rows.push(toRow(driver, scenario.name, result));
      console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      // One broken scenario must not cost the others' numbers; it is reported and fails the run.
      console.log(`FAILED after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${err.message}`);
      failures.push({ scenario: scenario.name, error: err.message });
    }
  }
} finally {
  await stack?.stop();
}

if (profileDir) printProfiles(profileDir);
const totalSeconds = (performance.now() - benchStarted) / 1000;
console.log(`\nruntime driver: ${driver}\n${formatTable(rows)}\n`);
if (values.markdown) console.log(`${formatMarkdown(rows)}\n`);
for (const r of rows.filter((r) => r.info)) console.log(`${r.scenario} / ${r.metric}: ${JSON.stringify(r.info)}`);
const missed = rows.filter((r) => r.met === false);
if (missed.length) console.log(`targets missed: ${missed.map((r) => `${r.scenario} ${r.metric}`).join("; ")}`);
console.log(`total ${totalSeconds.toFixed(0)} s (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cpus)`);
const out = path.resolve(ROOT, values.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      target: values["base-url"] ?? "local stack",
      driver,
      runs,
      totalSeconds: Math.round(totalSeconds),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? null,
        node: process.version,
        platform: process.platform,
        // The bench shares the machine with whatever else runs: absolute numbers follow the load.
        loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
      },
      results: rows,
      failures,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
if (failures.length) process.exitCode = 1;
