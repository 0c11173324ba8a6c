import type { ExecEvent } from "@burstflare/sdk/protocol/agent";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { describe, expect, it } from "vitest";
import { agentFetch, useTestHost } from "../helpers/host";

async function execEvents(info: RuntimeInfo, body: unknown): Promise<{ events: ExecEvent[]; firstEventAt: number; endAt: number }> {
  const started = Date.now();
  const res = await agentFetch(info, "/exec", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/x-ndjson");
  const events: ExecEvent[] = [];
  let firstEventAt = 0;
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    if (!firstEventAt) firstEventAt = Date.now() - started;
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) if (line) events.push(JSON.parse(line) as ExecEvent);
  }
  return { events, firstEventAt, endAt: Date.now() - started };
}

describe("agent exec", () => {
  const ctx = useTestHost("exec", { env: { TEMPLATE_VAR: "tv" } });

  it("streams output as it happens and ends with the exit event", async () => {
    const { events, firstEventAt, endAt } = await execEvents(ctx.info, {
      command: "echo first; echo err >&2; sleep 1; echo $TEMPLATE_VAR-$EXTRA; pwd; exit 7",
      env: { EXTRA: "x" },
    });
    const output = events
      .filter((e) => e.type === "output")
      .map((e) => (e.type === "output" ? e.data : ""))
      .join("");
    expect(output).toBe(`first\nerr\ntv-x\n${ctx.info.workspaceDir}\n`);
    // The first line arrived before the command finished (streamed, not buffered).
    expect(firstEventAt).toBeLessThan(endAt - 500);
    const exit = events.at(-1)!;
    expect(exit).toMatchObject({ type: "exit", code: 7, signal: null });
    expect(exit.type === "exit" && exit.durationMs).toBeGreaterThanOrEqual(1000);
  });

  it("kills the process group on timeout", async () => {
    const { events } = await execEvents(ctx.info, { command: "sleep 30 & sleep 30; echo never", timeoutMs: 300 });
    expect(events.at(-1)).toMatchObject({ type: "exit", code: null, signal: "SIGKILL" });
    expect(events.some((e) => e.type === "output" && e.data.includes("never"))).toBe(false);
  });

  it("keeps multi-byte characters whole across chunks", async () => {
    const { events } = await execEvents(ctx.info, { command: "for i in $(seq 1 2000); do printf 'ü€😀'; done" });
    const output = events.map((e) => (e.type === "output" ? e.data : "")).join("");
    expect(output).toBe("ü€😀".repeat(2000));
  });

  it("validates the body", async () => {
    for (const body of [{}, { command: "" }, { command: "true", timeoutMs: -1 }, { command: 5 }]) {
      const res = await agentFetch(ctx.info, "/exec", { method: "POST", body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "validation_failed" } });
    }
  });
});
