/**
 * A body as an agent could send it: code in the session shares the agent's uid and can answer in
 * its place, so the Worker reads these as the session's words. `pulled` counts what was read.
 */
export function agentBody(chunks: Iterable<string>): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  const encoder = new TextEncoder();
  const it = chunks[Symbol.iterator]();
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = it.next();
      if (next.done) return controller.close();
      pulled += next.value.length;
      controller.enqueue(encoder.encode(next.value));
    },
  });
  return { body, pulled: () => pulled };
}

export function* repeat(text: string, times: number): Generator<string> {
  for (let i = 0; i < times; i++) yield text;
}
