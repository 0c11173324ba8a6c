// Keystroke echo round trip: one character typed, until the PTY's echo of it comes back;
// through Worker + DO versus straight to the agent.

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
    const session = await ctx.createSession();
    const proxied = [];
    const direct = [];
    try {
      for (let r = 0; r < ctx.runs; r++) {
        proxied.push(...(await measure(await ctx.proxiedTerminal(session.id, `echo${r}`))));
        if (ctx.host) direct.push(...(await measure(await ctx.directTerminal(session.id, `direct${r}`))));
      }
    } finally {
      await ctx.deleteSession(session.id);
    }
    return [
      {
        metric: "echo round trip",
        unit: "ms",
        better: "lower",
        samples: proxied,
        direct: ctx.host ? direct : null,
        target: { median: 5, ratio: 2 },
      },
    ];
  },
};
