import { describe, expect, it } from "vitest";
import { ApiError, BurstFlare, sseEvents } from "../automation-client";

const streamOf = (chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });

describe("sseEvents", () => {
  it("yields each event's JSON data, also when events are split across chunks", async () => {
    const got: unknown[] = [];
    for await (const e of sseEvents(
      streamOf(['event: stdout\ndata: {"type":"std', 'out","data":"a"}\n', "\nevent: exit\ndata: {", '"type":"exit"}\n\n']),
    ))
      got.push(e);
    expect(got).toEqual([{ type: "stdout", data: "a" }, { type: "exit" }]);
  });
});

describe("BurstFlare", () => {
  it("sends argv or a command string and turns error bodies into ApiErrors with the server's code", async () => {
    const seen: { url: string; body: unknown; auth: string | null }[] = [];
    const fake: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), body: JSON.parse(String(init?.body)), auth: new Headers(init?.headers).get("authorization") });
      return new Response(JSON.stringify({ error: { code: "forbidden", message: "limited to another session" } }), {
        status: 403,
        headers: { "content-type": "application/json" },
      });
    };
    const s = new BurstFlare({ baseURL: "http://bf.test/", token: "bfp_x", fetch: fake }).sessions.attach("ses_1");
    const err = await s.exec(["ls", "-la"], { cwd: "app" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("forbidden");
    await s.exec("echo hi").catch(() => {});
    expect(seen[0]).toEqual({
      url: "http://bf.test/api/sessions/ses_1/exec",
      body: { cwd: "app", argv: ["ls", "-la"] },
      auth: "Bearer bfp_x",
    });
    expect(seen[1]?.body).toEqual({ command: "echo hi" });
  });
});
