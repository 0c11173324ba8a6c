/**
 * The longest line read: an agent's event carries at most one pipe read of output (64 KiB, up to
 * six times that JSON-escaped). The session's code may stand in for the agent (on the containers
 * driver its shells are root beside it); a line without end once grew in Worker memory until the isolate died.
 */
export const MAX_NDJSON_LINE_CHARS = 1024 * 1024;

/**
 * Reads an NDJSON body line by line. `cancel` stops the read at once, also while a read is
 * pending (a generator's return() would wait for it), so a caller going away reaches the agent.
 */
export function ndjsonReader(body: ReadableStream<Uint8Array>): { next: () => Promise<unknown | null>; cancel: () => Promise<void> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  let done = false;
  return {
    async next() {
      for (;;) {
        const newline = buffered.indexOf("\n");
        if (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) return JSON.parse(line);
          continue;
        }
        if (done) {
          const rest = buffered.trim();
          buffered = "";
          return rest ? JSON.parse(rest) : null;
        }
        if (buffered.length > MAX_NDJSON_LINE_CHARS) {
          await reader.cancel().catch(() => {});
          throw new Error(`an NDJSON line is longer than ${MAX_NDJSON_LINE_CHARS} characters`);
        }
        const chunk = await reader.read();
        if (chunk.done) {
          done = true;
          buffered += decoder.decode();
        } else buffered += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

/** The values of an NDJSON body, for a caller that reads to the end; leaving the loop early cancels the body. */
export async function* ndjsonValues(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const lines = ndjsonReader(body);
  try {
    for (let value = await lines.next(); value !== null; value = await lines.next()) yield value;
  } finally {
    await lines.cancel();
  }
}
