// The session list at scale (issue 17): a workspace of 10,000 sessions. Latency of the first page
// and of a filtered query, as the SPA and CLI send them, and what an open dashboard costs: the
// API requests before its session list is painted, and its requests per minute while idle,
// counted in a real browser (Chromium through @playwright/test, loopback only).
//
// The 10,000 rows are seeded by the local stack's operator in one request (10,000 runtimes would
// measure the runtime host). Local stack only: against --base-url it returns no rows.
import { ScriptClient } from "../lib/api-client.mjs";
import { createLocalBenchUserInfo, seedSessionRows } from "./context.mjs";

const SESSIONS = 10_000;
/** Sequential requests per run for each latency row: one run already gives n = 20, enough for a p95. */
const REQUESTS_PER_RUN = 20;
/** How long the dashboard is watched while idle, per run. */
const IDLE_S = 60;
/** `label` names the query in the row's metric, as earlier results do. */
const FIRST_PAGE = { label: "/api/sessions?limit=50", query: { limit: 50 } };
/** A filter the SPA's Sessions page sends (state select + name search). */
const FILTERED = { label: "/api/sessions?state=running&q=list-01&limit=50", query: { state: "running", q: "list-01", limit: 50 } };
const STATES = ["stopped", "stopped", "stopped", "stopped", "stopped", "stopped", "stopped", "sleeping", "sleeping", "running"];

/** The rows, seeded by the operator in one request (POST /api/admin/seed/sessions). */
async function seed(operator, workspaceId, ownerId) {
  await seedSessionRows(operator, { workspaceId, ownerId, count: SESSIONS, namePrefix: "list-", states: STATES });
}

/** n sequential list requests, each timed from the call to its parsed JSON (no schema check inside). */
async function timeGets(client, { label, query }, n, expectRows) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await client.callRaw("GET /api/sessions", { query, acceptErrors: true });
    const body = await res.json();
    samples.push(performance.now() - t0);
    if (res.status !== 200 || !expectRows(body.sessions?.length ?? -1)) {
      throw new Error(`${label} → ${res.status} with ${body.sessions?.length} rows`);
    }
  }
  return samples;
}

/** Opens the dashboard signed in, waits for the session list, then counts API requests while idle. */
async function watchDashboard(browser, baseURL, cookie) {
  const context = await browser.newContext({ baseURL });
  await context.addCookies([{ name: "bf_session", value: cookie, url: baseURL }]);
  const page = await context.newPage();
  const requests = [];
  let firstPageAt = null;
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith("/api/")) requests.push({ at: performance.now(), path: url.pathname, search: url.search });
  });
  // When the first page of the list has arrived: what the list's first paint waited for.
  page.on("response", (res) => {
    if (firstPageAt === null && new URL(res.url()).pathname === "/api/sessions") firstPageAt = performance.now();
  });
  try {
    await page.goto("/");
    await page.getByTestId("dashboard-sessions").locator("li").first().waitFor({ timeout: 60_000 });
    const painted = performance.now();
    const beforePaint = requests.filter((r) => r.at <= painted);
    await page.waitForTimeout(IDLE_S * 1000);
    const idle = requests.filter((r) => r.at > painted);
    return {
      listRequestsToFirstPage: requests.filter((r) => r.path === "/api/sessions" && r.at <= firstPageAt).length,
      listRequestsToPaint: beforePaint.filter((r) => r.path === "/api/sessions").length,
      apiRequestsToPaint: beforePaint.length,
      idlePerMinute: idle.length / (IDLE_S / 60),
      idleListPerMinute: idle.filter((r) => r.path.startsWith("/api/sessions")).length / (IDLE_S / 60),
      idlePaths: [...new Set(idle.map((r) => r.path))],
    };
  } finally {
    await context.close();
  }
}

export default {
  name: "session-list",
  description: `${SESSIONS.toLocaleString("en")} sessions: first page, a filtered query, an idle dashboard in Chromium`,
  async run(ctx) {
    if (!ctx.operator) return [];
    // A browser sign-in too: the dashboard below is watched with its cookie.
    const user = await createLocalBenchUserInfo(ctx.operator, { browser: true });
    await seed(ctx.operator, user.workspaceId, user.userId);
    // This scenario's own user (its own 10,000-session workspace), not the context's.
    const client = new ScriptClient({ baseURL: ctx.baseURL, headers: () => ({ authorization: `Bearer ${user.token}` }) });
    const n = ctx.runs * REQUESTS_PER_RUN;
    const first = await timeGets(client, FIRST_PAGE, n, (rows) => rows === 50);
    const filtered = await timeGets(client, FILTERED, n, (rows) => rows > 0);

    const { chromium } = await import("@playwright/test");
    const browser = await chromium.launch({
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? "/usr/bin/chromium",
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const watched = [];
    try {
      for (let r = 0; r < ctx.runs; r++) watched.push(await watchDashboard(browser, ctx.baseURL, user.cookie));
    } finally {
      await browser.close();
    }
    const idlePaths = [...new Set(watched.flatMap((w) => w.idlePaths))];
    return [
      { metric: `first page of ${SESSIONS} sessions (GET ${FIRST_PAGE.label})`, unit: "ms", better: "lower", samples: first },
      { metric: `filtered query (GET ${FILTERED.label})`, unit: "ms", better: "lower", samples: filtered },
      {
        metric: "idle open dashboard: API requests per minute",
        unit: "req/min",
        better: "lower",
        samples: watched.map((w) => w.idlePerMinute),
        info: { watchedSeconds: IDLE_S, idlePaths },
      },
      {
        metric: "idle open dashboard: session-list requests per minute (/api/sessions*)",
        unit: "req/min",
        better: "lower",
        samples: watched.map((w) => w.idleListPerMinute),
      },
      {
        metric: "dashboard: session-list requests sent before the first page arrived",
        unit: "requests",
        better: "lower",
        samples: watched.map((w) => w.listRequestsToFirstPage),
        // By the time the painted list is seen the dashboard's sleeping-count page may have been asked too.
        info: {
          listRequestsToPaint: watched.map((w) => w.listRequestsToPaint),
          apiRequestsToPaint: watched.map((w) => w.apiRequestsToPaint),
        },
      },
    ];
  },
};
