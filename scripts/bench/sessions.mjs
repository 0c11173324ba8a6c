// Helpers the scenarios share around a session: waiting for it to fall asleep, for a shell prompt,
// reaching its agent straight on the loopback port (the direct baselines), and timing the two
// paths against each other.

/** Polls until every session in `ids` sleeps; throws on a failed session or after `timeoutMs`. */
export async function untilAsleep(ctx, ids, { timeoutMs, intervalMs }) {
  const deadline = Date.now() + timeoutMs;
  for (const id of ids) {
    for (;;) {
      const { session } = await ctx.call("GET /api/sessions/{sessionId}", { params: { sessionId: id } });
      if (session.state === "sleeping") break;
      if (session.state === "failed" || Date.now() > deadline) throw new Error(`session ${id} did not fall asleep (${session.state})`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Opens the session's terminal (`terminal`, default main) through the Worker and waits for the shell's prompt. */
export async function untilPrompt(ctx, sessionId, timeoutMs, terminal) {
  const term = await ctx.proxiedTerminal(sessionId, terminal);
  try {
    await term.untilPrompt(timeoutMs);
  } finally {
    term.close();
  }
}

/**
 * The session's agent as the runtime host knows it (local driver only): `url(rel, { ws })` resolves
 * an agent path on its loopback port, `token` goes in x-agent-token.
 */
export async function agentOf(host, sessionId) {
  if (!host) throw new Error("no runtime host access for a direct baseline");
  const res = await fetch(`${host.url}/runtimes/${sessionId}`, { headers: { "x-runtime-secret": host.secret } });
  if (!res.ok) throw new Error(`runtime host: ${res.status}`);
  const info = await res.json();
  const base = info.agentURL.endsWith("/") ? info.agentURL : `${info.agentURL}/`;
  return {
    token: info.agentToken,
    url(rel, { ws = false } = {}) {
      const url = new URL(rel, base);
      if (ws) url.protocol = url.protocol.replace("http", "ws");
      return url;
    },
  };
}

/**
 * Proxied-versus-direct runs on one new session: per run `proxiedRun(sessionId, r)` and then, with
 * runtime host access, `directRun(sessionId, r)`, alternating so both see the same machine load.
 * Returns what the runs returned, `direct` null without host access; the session is deleted after.
 */
export async function alternateRuns(ctx, proxiedRun, directRun) {
  const session = await ctx.createSession();
  const proxied = [];
  const direct = [];
  try {
    for (let r = 0; r < ctx.runs; r++) {
      proxied.push(await proxiedRun(session.id, r));
      if (ctx.host) direct.push(await directRun(session.id, r));
    }
  } finally {
    await ctx.deleteSession(session.id);
  }
  return { proxied, direct: ctx.host ? direct : null };
}
