import { describe, expect, it } from "vitest";
import { bodySnippet, boundedJSON, SMALL_ANSWER_BYTES } from "../../src/lib/bounded-body";
import { agentError, readAgentJSON } from "../../src/sessions/agent-call";
import { agentBody, repeat } from "../helpers/agent-body";

const MiB = "x".repeat(1024 * 1024);

describe("an agent's answer read by the Worker", () => {
  it("an error answer of 64 MiB is read no further than the bound (it was read whole into memory)", async () => {
    const { body, pulled } = agentBody(['{"error":{"code":"conflict","message":"', ...repeat(MiB, 64), '"}}']);
    const err = await agentError(new Response(body, { status: 409 }));
    expect(err.code).toBe("runtime_unavailable");
    expect(pulled()).toBeLessThanOrEqual(SMALL_ANSWER_BYTES + 2 * MiB.length);
  });

  it("JSON past its bound is refused; JSON within it and error snippets read as before", async () => {
    const huge = agentBody(repeat(MiB, 64));
    await expect(boundedJSON(new Response(huge.body), 1024)).rejects.toThrow(/longer than 1024 bytes/);
    expect(huge.pulled()).toBeLessThanOrEqual(MiB.length);
    const split = agentBody(['{"ok":', "true,", '"name":"ü"}']);
    expect(await boundedJSON(new Response(split.body), 1024)).toEqual({ ok: true, name: "ü" });
    const long = agentBody(repeat(MiB, 64));
    expect(await bodySnippet(new Response(long.body))).toBe("x".repeat(300));
    expect(long.pulled()).toBeLessThanOrEqual(MiB.length);
  });

  it("a file API answer over its 32 MiB bound is 413 (ask for less at a time); a malformed one stays 503", async () => {
    const big = agentBody(repeat(MiB, 40));
    await expect(readAgentJSON(new Response(big.body))).rejects.toMatchObject({ code: "payload_too_large" });
    expect(big.pulled()).toBeLessThanOrEqual(33 * MiB.length);
    await expect(readAgentJSON(new Response('{"results": ['))).rejects.toMatchObject({ code: "runtime_unavailable" });
    expect(await readAgentJSON(new Response('{"results":[]}'))).toEqual({ results: [] });
  });
});
