import { describe, expect, it } from "vitest";
import { agentFetch, useTestHost } from "../helpers/host";
import { TerminalClient } from "../helpers/terminal-client";
import { waitFor } from "../helpers/wait";

describe("agent terminal", () => {
  const ctx = useTestHost("term", { env: { GREETING: "from-env" } });

  it("runs a login shell in the workspace and echoes commands", async () => {
    const term = await TerminalClient.open(ctx.info, "?terminal=t1");
    term.input("echo hello $((40+2)) $GREETING; pwd; echo HOME=$HOME\r");
    await term.waitFor("hello 42 from-env");
    await term.waitFor(`\n${ctx.info.workspaceDir}`);
    await term.waitFor(`HOME=${ctx.info.workspaceDir}`);
    const health = (await (await agentFetch(ctx.info, "/health")).json()) as {
      connections: { terminal: number };
      lastActivity: { terminal: number };
    };
    expect(health.connections.terminal).toBe(1);
    expect(health.lastActivity.terminal).toBeGreaterThan(Date.now() - 10_000);
    await term.close();
    await waitFor(
      async () =>
        ((await (await agentFetch(ctx.info, "/health")).json()) as { connections: { terminal: number } }).connections.terminal === 0,
      "connection count back to 0",
    );
  });

  it("resizes the PTY", async () => {
    const term = await TerminalClient.open(ctx.info, "?terminal=size&cols=100&rows=30");
    term.input("stty size\r");
    await term.waitFor("30 100");
    term.resize(132, 43);
    term.input("stty size\r");
    await term.waitFor("43 132");
    await term.close();
  });

  it("keeps terminals apart and lets two clients share one", async () => {
    const a = await TerminalClient.open(ctx.info, "?terminal=a");
    const b = await TerminalClient.open(ctx.info, "?terminal=b");
    a.input("export WHO=alpha; echo $WHO-ready\r");
    await a.waitFor("alpha-ready");
    b.input("echo [$WHO]-b\r");
    await b.waitFor("[]-b");
    const a2 = await TerminalClient.open(ctx.info, "?terminal=a");
    a2.input("echo shared-$WHO\r");
    await a.waitFor("shared-alpha");
    await a2.waitFor("shared-alpha");
    const list = (await (await agentFetch(ctx.info, "/terminals")).json()) as { terminals: { id: string; clients: number }[] };
    expect(list.terminals.find((t) => t.id === "a")?.clients).toBe(2);
    expect(list.terminals.find((t) => t.id === "b")?.clients).toBe(1);
    await Promise.all([a.close(), b.close(), a2.close()]);
  });

  it("keeps the shell across disconnects and replays recent output", async () => {
    const first = await TerminalClient.open(ctx.info, "?terminal=replay");
    first.input("export KEEP=survivor; echo marker-$((6*7))\r");
    await first.waitFor("marker-42");
    await first.close();
    const again = await TerminalClient.open(ctx.info, "?terminal=replay");
    await again.waitFor("marker-42");
    again.input("echo still-$KEEP\r");
    await again.waitFor("still-survivor");
    await again.close();
  });

  it("replays at most the last 256 KB", async () => {
    const first = await TerminalClient.open(ctx.info, "?terminal=long");
    first.input("head -c 1000000 /dev/zero | tr '\\0' y; echo; echo tail-$((2+3))\r");
    await first.waitFor("tail-5", 20_000);
    await first.close();
    const again = await TerminalClient.open(ctx.info, "?terminal=long");
    await again.waitFor("tail-5");
    expect(again.output.length).toBeLessThanOrEqual(256 * 1024);
    expect(again.output.length).toBeGreaterThan(200 * 1024);
    await again.close();
  });

  it("streams bulk output as binary frames", async () => {
    const term = await TerminalClient.open(ctx.info, "?terminal=bulk");
    term.input("head -c 3000000 /dev/zero | tr '\\0' x; echo; echo bulk-$((1+1))-done\r");
    await term.waitFor("bulk-2-done", 20_000);
    expect((term.output.match(/x/g) ?? []).length).toBeGreaterThanOrEqual(3_000_000);
    // A flood leaves in few, large frames (FlushTimer), not one per PTY read of ≈ 4 KB.
    const received = term.frames.reduce((a, b) => a + b, 0);
    expect(received / term.frames.length).toBeGreaterThan(16 * 1024);
    await term.close();
  });

  it("closes the socket on invalid frames and refuses a missing token", async () => {
    const term = await TerminalClient.open(ctx.info, "?terminal=bad");
    term.ws.send(JSON.stringify({ type: "input", data: 42 }));
    await waitFor(() => term.closed, "socket closed");
    expect(term.closed?.code).toBe(1008);
    const noToken = await fetch(`${ctx.info.agentURL}/terminal`, { headers: { upgrade: "websocket", connection: "upgrade" } }).catch(
      (e) => e,
    );
    expect(noToken instanceof Error || (noToken as Response).status === 401).toBe(true);
    const badQuery = await TerminalClient.open(ctx.info, "?terminal=../x");
    await waitFor(() => badQuery.closed, "bad query closed");
    expect(badQuery.closed?.code).toBe(1008);
  });

  it("ends clients when the shell exits and starts a new shell on the next connect", async () => {
    const term = await TerminalClient.open(ctx.info, "?terminal=exit");
    term.input("exit 3\r");
    await waitFor(() => term.closed, "closed after exit");
    expect(term.output).toContain("exited with code 3");
    const next = await TerminalClient.open(ctx.info, "?terminal=exit");
    next.input("echo reborn\r");
    await next.waitFor("reborn");
    await next.close();
  });
});
