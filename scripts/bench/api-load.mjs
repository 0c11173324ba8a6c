// API under load: the requests the SPA and the CLI actually send for sessions (the first page of
// the list, the dashboard's state-filtered count page, one session), with 1,000 sessions in the
// workspace and 50 concurrent clients (autocannon, loopback only, bounded in time). Each of
// `--runs` runs loads every path once; latency rows pool the requests of all runs, throughput
// rows have one sample per run.

import autocannon from "autocannon";
import { seedSessionRows } from "./context.mjs";
import { percentile } from "./stats.mjs";

const SESSIONS = 1000;
const CONNECTIONS = 50;
const DURATION_S = 5;
/** 50 clients at one request per second each, as many browsers refreshing their session lists. */
const PACED_RPS = 50;
const PERIOD_MS = (CONNECTIONS / PACED_RPS) * 1000;

/**
 * Rows seeded by the operator in one request (POST /api/admin/seed/sessions): 1,000 real runtimes
 * would measure the runtime host, not the API, and 1,000 POST /api/sessions would start them.
 */
async function seedSessions(ctx, workspaceId, ownerId) {
  await seedSessionRows(ctx.operator, { workspaceId, ownerId, count: SESSIONS, namePrefix: "load-" });
}

/**
 * autocannon against one URL: each client sends its next request as soon as the last one
 * answered, so this is saturation (latency ≈ clients / throughput).
 */
function load(url, headers, { expect = 200 } = {}) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let errors = 0;
    const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers }, (err, result) => {
      if (err) reject(err);
      else resolve({ latencies, errors: errors + result.errors, rps: result.requests.average });
    });
    instance.on("response", (_client, status, _bytes, responseTime) => {
      if (status === expect) latencies.push(responseTime);
      else errors++;
    });
  });
}

/**
 * Open-loop load: CLIENTS clients, each sending one request every `periodMs` from its own random
 * phase (independent browsers refreshing), so the rate is steady instead of synchronised bursts.
 * A client whose answer takes longer than its period sends the next one at once.
 */
async function paced(url, headers, periodMs, expect = 200) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + DURATION_S * 1000;
  const client = async () => {
    let next = performance.now() + Math.random() * periodMs;
    for (;;) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      if (performance.now() >= deadline) return;
      const t0 = performance.now();
      try {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status === expect) latencies.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
      next += periodMs;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  return { latencies, errors };
}

/** A latency row of one load (pooled runs) against the floor's under the same load. */
const latencyRow = (metric, measured, floor) => ({
  metric,
  unit: "ms",
  better: "lower",
  samples: measured.latencies,
  direct: floor.latencies,
  target: { p95: 25 },
  info: { p99: percentile(measured.latencies, 99), errors: measured.errors },
});

/** Runs `fn` ctx.runs times and pools what it measured. */
async function repeated(runs, fn) {
  const pooled = { latencies: [], errors: 0, rps: [] };
  for (let r = 0; r < runs; r++) {
    const one = await fn();
    pooled.latencies.push(...one.latencies);
    pooled.errors += one.errors;
    if (one.rps != null) pooled.rps.push(one.rps);
  }
  return pooled;
}

export default {
  name: "api-load",
  description: `GET /api/sessions[/:id] with ${SESSIONS} sessions, ${CONNECTIONS} clients`,
  async run(ctx) {
    const probe = await ctx.createSession();
    if (ctx.operator) await seedSessions(ctx, probe.workspaceId, probe.ownerId);
    // The floor: an unrouted path under the same load. The Worker runs (request id, router,
    // 404 body, its log line) with no auth and no D1: what the platform alone costs here.
    const floorURL = `${ctx.baseURL}/api/bench-floor-${process.pid}`;
    const floor = await repeated(ctx.runs, () => load(floorURL, {}, { expect: 404 }));
    const floorSteady = await repeated(ctx.runs, () => paced(floorURL, {}, PERIOD_MS, 404));
    const rows = [];
    // URLs by route key (checked), sent by the load generators themselves, as the floor is: the
    // floor's path is no route, and autocannon cannot go through the sdk client.
    const url = (route, opts) => ctx.client.routeURL(route, opts);
    for (const [label, routeURL] of [
      // web/src/api/queries/sessions.ts SESSION_LIST_PAGE and `flare session ls` (default --limit 50).
      ["GET /api/sessions?limit=50 (SPA first page, CLI ls)", url("GET /api/sessions", { query: { limit: 50 } })],
      // The dashboard's sleeping count (DashboardPage.tsx).
      ["GET /api/sessions?state=sleeping&limit=50 (dashboard)", url("GET /api/sessions", { query: { state: "sleeping", limit: 50 } })],
      // Session detail page and `flare session status`.
      ["GET /api/sessions/:id", url("GET /api/sessions/{sessionId}", { params: { sessionId: probe.id } })],
    ]) {
      const r = await repeated(ctx.runs, () => load(routeURL, ctx.headers));
      if (r.latencies.length === 0) throw new Error(`${label}: no successful responses (${JSON.stringify(r)})`);
      const steady = await repeated(ctx.runs, () => paced(routeURL, ctx.headers, PERIOD_MS));
      rows.push(
        latencyRow(`${label} latency, saturated`, r, floor),
        { metric: `${label} throughput, saturated`, unit: "req/s", better: "higher", samples: r.rps, direct: floor.rps },
        latencyRow(`${label} latency at ${PACED_RPS} req/s`, steady, floorSteady),
      );
    }
    await ctx.deleteSession(probe.id);
    return rows;
  },
};
