// Keystroke echo round trip: one character typed, until the PTY's echo of it comes back;
// through Worker + DO versus straight to the agent.
import { alternateRuns } from "./sessions.mjs";

const KEYS_PER_RUN = 100;

async function measure(term) {
  await term.untilPrompt(20_000);
  const samples = [];
  for (let i = 0; i < KEYS_PER_RUN; i++) {
    const before = term.bytes;
    const t0 = performance.now();
    term.send("x");
    await term.until(() => term.bytes > before);
    samples.push(performance.now() - t0);
    // Clear the line now and then so the shell's line editor stays cheap.
    if (i % 40 === 39) {
      const mark = term.bytes;
      term.send("\u0015");
      await term.until(() => term.bytes > mark).catch(() => {});
    }
  }
  term.close();
  return samples;
}

export default {
  name: "terminal-echo",
  description: "keystroke echo round trip",
  async run(ctx) {
    const { proxied, direct } = await alternateRuns(
      ctx,
      async (sessionId, r) => measure(await ctx.proxiedTerminal(sessionId, `echo${r}`)),
      async (sessionId, r) => measure(await ctx.directTerminal(sessionId, `direct${r}`)),
    );
    return [
      {
        metric: "echo round trip",
        unit: "ms",
        better: "lower",
        samples: proxied.flat(),
        direct: direct?.flat() ?? null,
        target: { median: 5, ratio: 2 },
      },
    ];
  },
};
