import { ApiClient } from "@burstflare/sdk/client";
import { describe, expect, it } from "vitest";
import { pollExchange } from "../../src/commands/auth";

/**
 * The device-flow polling rules (RFC 8628 §3.5) against scripted exchange answers. The real
 * exchange is exercised end to end in test/stack/cli.test.ts; this pins the timing rules.
 */
function scripted(answers: { status: number; body: unknown }[]) {
  const calls: unknown[] = [];
  const fetchImpl = (async (_url: string, init?: RequestInit) => {
    calls.push(JSON.parse(String(init?.body)));
    const next = answers.shift() ?? { status: 500, body: { error: { code: "internal", message: "script exhausted" } } };
    return new Response(JSON.stringify(next.body), { status: next.status, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { client: new ApiClient({ baseURL: "http://flare.test", fetch: fetchImpl }), calls };
}

const pending = { status: 400, body: { error: { code: "authorization_pending", message: "not yet" } } };
const slowDown = { status: 400, body: { error: { code: "slow_down", message: "slow down" } } };
const pair = { status: 200, body: { accessToken: "bfa_x", refreshToken: "bfr_y", tokenType: "Bearer", expiresIn: 900 } };

describe("pollExchange", () => {
  it("waits the interval between polls and adds 5 s after every slow_down", async () => {
    const { client, calls } = scripted([pending, slowDown, pending, slowDown, pair]);
    const waits: number[] = [];
    const tokens = await pollExchange(client, "dc_1234567890abcdef", 2, 600, async (ms) => {
      waits.push(ms);
    });
    expect(tokens.accessToken).toBe("bfa_x");
    expect(waits).toEqual([2000, 2000, 7000, 7000, 12000]);
    expect(calls).toEqual(Array(5).fill({ deviceCode: "dc_1234567890abcdef" }));
  });

  it("stops with access_denied when the user denies, naming it", async () => {
    const { client } = scripted([pending, { status: 403, body: { error: { code: "access_denied", message: "denied" } } }]);
    await expect(pollExchange(client, "dc", 1, 600, async () => {})).rejects.toMatchObject({ code: "access_denied" });
  });

  it("stops with expired_token and the fix when the code expires", async () => {
    const { client } = scripted([{ status: 400, body: { error: { code: "expired_token", message: "expired" } } }]);
    await expect(pollExchange(client, "dc", 1, 600, async () => {})).rejects.toMatchObject({
      code: "expired_token",
      hint: "run `flare auth login` again",
    });
  });
});
