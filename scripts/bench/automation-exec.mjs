// Automation API (docs/automation.md): the round trip of `true` through POST
// /api/sessions/:sessionId/exec (Worker + session DO + agent) against the same agent's /exec/run called
// straight on its loopback port; create → first exec; and fork of a running session.
import { agentOf } from "./sessions.mjs";

const EXECS_PER_RUN = 20;

async function directAgent(ctx, sessionId) {
  const agent = await agentOf(ctx.host, sessionId);
  const url = agent.url("exec/run");
  return (body) =>
    fetch(url, {
      method: "POST",
      headers: { "x-agent-token": agent.token, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export default {
  name: "automation-exec",
  description: "exec round trip of `true` (Worker vs agent direct), create → first exec, fork",
  async run(ctx) {
    const proxied = [];
    const direct = [];
    const firstExec = [];
    const forks = [];
    const bigForks = [];
    const session = await ctx.createSession();
    const cleanup = [session.id];
    // Forks of the session, each deleted with the rest at the end.
    const timedFork = (name) =>
      timed(async () => {
        const { session: f } = await ctx.call("POST /api/sessions/{sessionId}/fork", { params: { sessionId: session.id }, body: { name } });
        cleanup.push(f.id);
      });
    try {
      const viaAgent = ctx.host ? await directAgent(ctx, session.id) : null;
      for (let r = 0; r < ctx.runs; r++) {
        for (let i = 0; i < EXECS_PER_RUN; i++) {
          proxied.push(
            await timed(async () => {
              const out = await ctx.call("POST /api/sessions/{sessionId}/exec", {
                params: { sessionId: session.id },
                body: { argv: ["true"] },
              });
              if (out.exitCode !== 0) throw new Error(`true exited ${out.exitCode}`);
            }),
          );
          if (viaAgent) direct.push(await timed(async () => (await viaAgent({ argv: ["true"] })).text()));
        }
        // create → first exec answered, as an agent harness sees it.
        firstExec.push(
          await timed(async () => {
            const s = await ctx.createSession();
            cleanup.push(s.id);
            await ctx.call("POST /api/sessions/{sessionId}/exec", { params: { sessionId: s.id }, body: { argv: ["true"] } });
          }),
        );
        forks.push(await timedFork(`fork-${Date.now().toString(36)}-${r}`));
      }
      // The target case: a 200 MB workspace (random bytes, so compression does not help).
      await ctx.call("POST /api/sessions/{sessionId}/exec", {
        params: { sessionId: session.id },
        body: { command: "mkdir -p big && for i in 1 2 3 4; do head -c 50000000 /dev/urandom > big/part$i; done", timeoutMs: 120_000 },
      });
      for (let r = 0; r < ctx.runs; r++) {
        bigForks.push(await timedFork(`bigfork-${Date.now().toString(36)}-${r}`));
      }
    } finally {
      for (const id of cleanup) await ctx.deleteSession(id).catch((err) => console.error(`cleanup: ${err.message}`));
    }
    return [
      {
        metric: "exec round trip (`true`)",
        unit: "ms",
        better: "lower",
        samples: proxied,
        direct: ctx.host ? direct : null,
        target: { median: 30 },
      },
      { metric: "create → first exec", unit: "ms", better: "lower", samples: firstExec },
      { metric: "fork (starter workspace)", unit: "ms", better: "lower", samples: forks },
      { metric: "fork (200 MB workspace)", unit: "ms", better: "lower", samples: bigForks, target: { median: 2000 } },
    ];
  },
};
