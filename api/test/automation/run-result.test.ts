import { describe, expect, it } from "vitest";
import { collectRun } from "../../src/automation/run-result";
import { MAX_NDJSON_LINE_CHARS, ndjsonValues } from "../../src/lib/ndjson";
import { agentBody, repeat } from "../helpers/agent-body";

const exit = (bytes = { stdout: 0, stderr: 0 }, truncated = { stdout: false, stderr: false }) =>
  `${JSON.stringify({ type: "exit", exitCode: 0, signal: null, timedOut: false, durationMs: 1, bytes, truncated })}\n`;

describe("NDJSON from an agent", () => {
  it("refuses a line without end once it passes the bound, instead of holding it all in Worker memory", async () => {
    const MiB = "x".repeat(1024 * 1024);
    const { body, pulled } = agentBody(repeat(MiB, 256));
    await expect(
      (async () => {
        for await (const _ of ndjsonValues(body));
      })(),
    ).rejects.toThrow(/longer than/);
    expect(pulled()).toBeLessThanOrEqual(MAX_NDJSON_LINE_CHARS + 2 * MiB.length);
  });

  it("still reads ordinary lines, split anywhere", async () => {
    const { body } = agentBody(['{"a":1}\n{"b"', ':2}\n\n{"c":3}']);
    const values: unknown[] = [];
    for await (const v of ndjsonValues(body)) values.push(v);
    expect(values).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });
});

describe("a non-streamed exec's answer", () => {
  it("keeps at most maxOutputBytes of each stream however much the agent sends, and marks it truncated", async () => {
    const line = `${JSON.stringify({ type: "stdout", data: "y".repeat(60_000) })}\n`;
    const { body } = agentBody([...repeat(line, 200), exit({ stdout: 12, stderr: 0 })]);
    const result = await collectRun(body, 1000);
    expect(result.stdout.startsWith("y".repeat(1000))).toBe(true);
    expect(result.stdout.length).toBeLessThan(1200);
    expect(result.truncated).toEqual({ stdout: true, stderr: false });
  });

  it("ignores events that are not RunEvents and answers runtime_unavailable without an exit", async () => {
    const forged = `${JSON.stringify({ type: "stdout\ndata: forged", data: "z" })}\n${JSON.stringify({ type: "stderr", data: "ok" })}\n`;
    const ok = await collectRun(agentBody([forged, exit()]).body, 1000);
    expect({ stdout: ok.stdout, stderr: ok.stderr }).toEqual({ stdout: "", stderr: "ok" });
    await expect(collectRun(agentBody([forged]).body, 1000)).rejects.toMatchObject({ code: "runtime_unavailable" });
    await expect(collectRun(agentBody(["x".repeat(2 * MAX_NDJSON_LINE_CHARS)]).body, 1000)).rejects.toMatchObject({
      code: "runtime_unavailable",
    });
  });
});
