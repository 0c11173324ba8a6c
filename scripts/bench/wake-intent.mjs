// Start on intent: how long a user waits for a shell when they come back to a sleeping session.
// A user opens the dashboard (or runs `flare ssh`), takes a moment (THINK_MS) to pick the
// session, then connects. Without start on intent the wake begins at the connect; with it the
// wake began when the surface said so (POST /api/intent). Measured: connect → first prompt.
// The control plane's own account of the time saved (GET /api/sessions/:id/latency) is reported.
import { untilAsleep, untilPrompt } from "./sessions.mjs";
import { median } from "./stats.mjs";
import { createBuiltTemplate } from "./template.mjs";

const PROMPT_TIMEOUT_MS = 30_000;
const SLEEP_TIMEOUT_MS = 60_000;
/** Between the page (or command) loading and the connect: a quick human. */
const THINK_MS = 1500;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One comeback: optional intent, think, connect, wait for the prompt; returns connect → prompt in ms. */
async function comeBack(ctx, sessionId, withIntent) {
  if (withIntent) {
    const answer = await ctx.call("POST /api/intent", { body: { surface: "ssh", sessionId } });
    if (answer.action !== "waking") throw new Error(`intent did not wake ${sessionId}: ${answer.action}`);
  }
  await sleep(THINK_MS);
  const t0 = performance.now();
  await untilPrompt(ctx, sessionId, PROMPT_TIMEOUT_MS);
  return performance.now() - t0;
}

async function variant(ctx, templateId, withIntent) {
  const ids = [];
  for (let i = 0; i < ctx.runs; i++) ids.push((await ctx.createSession({ templateId, startOnIntent: withIntent })).id);
  try {
    await untilAsleep(ctx, ids, { timeoutMs: SLEEP_TIMEOUT_MS, intervalMs: 250 });
    const samples = [];
    for (const id of ids) samples.push(await comeBack(ctx, id, withIntent));
    let savedMs = null;
    if (withIntent) {
      // The connect is stamped on the intent off the request path; give it a moment.
      for (let i = 0; i < 20 && savedMs === null; i++) {
        const medians = [];
        for (const id of ids) {
          const { session } = await ctx.call("GET /api/sessions/{sessionId}/latency", { params: { sessionId: id } });
          if (session.intent.connected > 0) medians.push(session.intent.medianSavedMs);
        }
        if (medians.length === ids.length) savedMs = median(medians);
        else await sleep(100);
      }
    }
    return { samples, savedMs };
  } finally {
    for (const id of ids) await ctx.deleteSession(id).catch((err) => console.error(`cleanup: ${err.message}`));
  }
}

export default {
  name: "wake-intent",
  description: `sleeping → prompt after the user connects (${THINK_MS} ms after the dashboard/ssh), with and without start on intent`,
  async run(ctx) {
    const { templateId } = await createBuiltTemplate(ctx);
    const without = await variant(ctx, templateId, false);
    const withIntent = await variant(ctx, templateId, true);
    return [
      {
        metric: "connect → prompt, waking at connect",
        unit: "ms",
        better: "lower",
        samples: without.samples,
        info: { thinkMs: THINK_MS },
      },
      {
        metric: "connect → prompt, start on intent",
        unit: "ms",
        better: "lower",
        samples: withIntent.samples,
        info: { thinkMs: THINK_MS, serverMedianSavedMs: withIntent.savedMs },
      },
    ];
  },
};
