// Session start latency, as a user waits for it: from the request to the shell's first prompt.
// - cold, from a built template: POST /api/sessions (provision, restore the build artifact,
//   ready) then the terminal WebSocket until the prompt; the same from the built-in starter;
// - wake: a session that fell asleep on its own (idle timeout) → the terminal WebSocket wakes it
//   (provision, artifact, its sleep snapshot, ready) → prompt.
// The Session DO's own phase timings (GET /api/sessions/:id/latency) are reported alongside.
import { untilAsleep, untilPrompt } from "./sessions.mjs";
import { median } from "./stats.mjs";
import { createBuiltTemplate } from "./template.mjs";

const PROMPT_TIMEOUT_MS = 30_000;
const SLEEP_TIMEOUT_MS = 60_000;

/** The DO's phase durations of the session's latest boot (recorded just after ready, off the user's path). */
async function latestPhases(ctx, sessionId, kind) {
  for (let i = 0; i < 20; i++) {
    const { recent } = await ctx.call("GET /api/sessions/{sessionId}/latency", { params: { sessionId } });
    const boot = recent.find((r) => r.kind === kind && r.ok);
    if (boot) return boot.phases;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/** Median of each phase over the boots that reported it. */
function phaseMedians(list) {
  const byPhase = {};
  for (const phases of list.filter(Boolean)) {
    for (const [k, v] of Object.entries(phases)) {
      byPhase[k] ??= [];
      byPhase[k].push(v);
    }
  }
  return Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, Math.round(median(v))]));
}

async function coldStarts(ctx, templateId) {
  const samples = [];
  const phases = [];
  for (let i = 0; i < ctx.runs; i++) {
    const t0 = performance.now();
    const session = await ctx.createSession(templateId ? { templateId } : {});
    await untilPrompt(ctx, session.id, PROMPT_TIMEOUT_MS);
    samples.push(performance.now() - t0);
    phases.push(await latestPhases(ctx, session.id, "start"));
    await ctx.deleteSession(session.id);
  }
  return { samples, phases: phaseMedians(phases) };
}

async function wakes(ctx, templateId) {
  const ids = [];
  for (let i = 0; i < ctx.runs; i++) ids.push((await ctx.createSession({ templateId })).id);
  try {
    // No connection, no activity: each session sleeps (flush, stop) after the template's 5 s.
    await untilAsleep(ctx, ids, { timeoutMs: SLEEP_TIMEOUT_MS, intervalMs: 250 });
    const samples = [];
    const phases = [];
    for (const id of ids) {
      const t0 = performance.now();
      await untilPrompt(ctx, id, PROMPT_TIMEOUT_MS);
      samples.push(performance.now() - t0);
      phases.push(await latestPhases(ctx, id, "wake"));
    }
    return { samples, phases: phaseMedians(phases) };
  } finally {
    for (const id of ids) await ctx.deleteSession(id).catch((err) => console.error(`cleanup: ${err.message}`));
  }
}

export default {
  name: "session-start",
  description: "session create → first shell prompt (built template, starter) and sleeping → prompt",
  async run(ctx) {
    const { templateId, buildMs } = await createBuiltTemplate(ctx);
    const built = await coldStarts(ctx, templateId);
    const starter = await coldStarts(ctx, null);
    const woken = await wakes(ctx, templateId);
    const row = (metric, { samples, phases }, targetMedian, info = {}) => ({
      metric,
      unit: "ms",
      better: "lower",
      samples,
      target: { median: targetMedian },
      info: { serverPhasesMs: phases, ...info },
    });
    return [
      row("create → prompt (built template)", built, 1000, { templateBuildMs: Math.round(buildMs) }),
      row("create → prompt (starter)", starter, 1000),
      row("sleeping → prompt (wake)", woken, 1500),
    ];
  },
};
