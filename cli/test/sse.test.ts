import { describe, expect, it } from "vitest";
import { parseSSE, type SSEMessage } from "../src/sse";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<SSEMessage[]> {
  const out: SSEMessage[] = [];
  for await (const m of parseSSE(streamOf(chunks))) out.push(m);
  return out;
}

describe("parseSSE", () => {
  it("dispatches on blank lines with id, event and data", async () => {
    expect(await collect(['id: 1\nevent: transition\ndata: {"a":1}\n\n', ": keepalive\n\n", "data: x\n\n"])).toEqual([
      { id: "1", event: "transition", data: '{"a":1}' },
      { id: "1", event: "message", data: "x" },
    ]);
  });

  it("reassembles fields split across chunks, CRLF line ends and multi-line data", async () => {
    expect(await collect(["id: 7\r\nda", "ta: one\r\ndata: two\r", "\n\r\n"])).toEqual([{ id: "7", event: "message", data: "one\ntwo" }]);
  });

  it("drops an event left incomplete when the stream ends", async () => {
    expect(await collect(["data: complete\n\n", "data: cut off"])).toEqual([{ id: null, event: "message", data: "complete" }]);
  });
});
