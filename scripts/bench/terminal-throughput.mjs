// Terminal output MB/s: the shell prints 50 MB; bytes received per second until the end marker,
// through the proxy (Worker + Session DO) versus straight to the agent.

const BYTES = 50 * 1024 * 1024;
const RUNS_MAX = 3;

async function measure(term, tag) {
  await term.untilPrompt(20_000);
  term.keepText = true;
  const marker = `END-${tag}`;
  const start = term.bytes;
  const t0 = performance.now();
  // The quotes keep the echo of the typed command from containing the marker itself.
  term.send(`head -c ${BYTES} /dev/zero | tr '\\0' 'a'; echo; echo "E""ND-${tag}"\r`);
  await term.until(() => term.text.includes(marker), 180_000);
  const seconds = (performance.now() - t0) / 1000;
  term.close();
  return (term.bytes - start) / (1024 * 1024) / seconds;
}

export default {
  name: "terminal-throughput",
  description: "terminal output throughput (50 MB)",
  async run(ctx) {
    const session = await ctx.createSession();
    const proxied = [];
    const direct = [];
    try {
      // Alternating proxied and direct runs so both see the same machine load.
      for (let r = 0; r < Math.min(ctx.runs, RUNS_MAX); r++) {
        proxied.push(await measure(await ctx.proxiedTerminal(session.id, `tp${r}`), `p${r}`));
        if (ctx.host) direct.push(await measure(await ctx.directTerminal(session.id, `dtp${r}`), `d${r}`));
      }
    } finally {
      await ctx.deleteSession(session.id);
    }
    return [{ metric: "output", unit: "MB/s", better: "higher", samples: proxied, direct: ctx.host ? direct : null, target: { ratio: 2 } }];
  },
};
