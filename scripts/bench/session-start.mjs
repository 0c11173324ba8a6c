// Session create → first shell prompt: POST /api/sessions (starter template: provision, bootstrap,
// ready) then the terminal WebSocket until the shell prints its prompt.

export default {
  name: "session-start",
  description: "session create → first shell prompt",
  async run(ctx) {
    const samples = [];
    for (let i = 0; i < ctx.runs; i++) {
      const started = performance.now();
      const session = await ctx.createSession();
      const term = await ctx.proxiedTerminal(session.id);
      await term.untilPrompt(30_000);
      samples.push(performance.now() - started);
      term.close();
      await ctx.deleteSession(session.id);
    }
    return [{ metric: "create → prompt", unit: "ms", better: "lower", samples }];
  },
};
