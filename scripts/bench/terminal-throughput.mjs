// Terminal output MB/s: the shell prints 50 MB; bytes received per second until the end marker,
// through the proxy (Worker + Session DO) versus straight to the agent. The connect (WebSocket
// open → first prompt) is timed on its own and reported beside the steady throughput.

import { cpuMeter } from "./process-cpu.mjs";
import { alternateRuns } from "./sessions.mjs";

const BYTES = 50 * 1024 * 1024;

async function measure(open, tag) {
  const c0 = performance.now();
  const term = await open();
  await term.untilPrompt(20_000);
  const connectMs = performance.now() - c0;
  term.keepText = true;
  const marker = `END-${tag}`;
  const start = term.bytes;
  const t0 = performance.now();
  // The quotes keep the echo of the typed command from containing the marker itself.
  term.send(`head -c ${BYTES} /dev/zero | tr '\\0' 'a'; echo; echo "E""ND-${tag}"\r`);
  await term.until(() => term.text.includes(marker), 180_000);
  const seconds = (performance.now() - t0) / 1000;
  term.close();
  return { mbps: (term.bytes - start) / (1024 * 1024) / seconds, connectMs };
}

export default {
  name: "terminal-throughput",
  description: "terminal output throughput (50 MB)",
  async run(ctx) {
    // --profile: workerd's CPU per proxied run (it passes the frames on in C++).
    const workerd = cpuMeter(ctx.profileDir ? ctx.wranglerGroup : null, "workerd");
    const { proxied, direct } = await alternateRuns(
      ctx,
      (sessionId, r) => workerd.measure("output", () => measure(() => ctx.proxiedTerminal(sessionId, `tp${r}`), `p${r}`)),
      (sessionId, r) => measure(() => ctx.directTerminal(sessionId, `dtp${r}`), `d${r}`),
    );
    const ms = workerd.totals.get("output");
    if (ms !== undefined) {
      const mb = (BYTES / (1024 * 1024)) * ctx.runs;
      console.log(`\n  workerd CPU, terminal output through the Worker: ${ms} ms for ${mb} MB (${(ms / mb).toFixed(1)} ms per MB)`);
    }
    const pick = (list, key) => list?.map((x) => x[key]) ?? null;
    return [
      {
        metric: "output, steady",
        unit: "MB/s",
        better: "higher",
        samples: proxied.map((x) => x.mbps),
        direct: pick(direct, "mbps"),
        target: { ratio: 1.11 }, // output ≥ 0.9× direct
      },
      {
        metric: "connect → first prompt",
        unit: "ms",
        better: "lower",
        samples: proxied.map((x) => x.connectMs),
        direct: pick(direct, "connectMs"),
      },
    ];
  },
};
