/**
 * Bodies from an agent, read with a bound. The session's code may stand in for the agent (on the
 * containers driver its shells are root beside it; test/security/fixtures/hijack-agent.pl): `res.json()` on such an answer
 * once read whatever it sent into Worker memory, where a Session DO shares an isolate's 128 MB.
 */

/** Answers of a few fields: health, fingerprints, error bodies, counts. */
export const SMALL_ANSWER_BYTES = 64 * 1024;

/** Reads up to maxBytes of the body; `whole` is false when it was longer (the rest is never read). */
async function readUpTo(res: Response, maxBytes: number): Promise<{ text: string; whole: boolean }> {
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  const reader = res.body?.getReader();
  if (!reader) return { text, whole: true };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { text: text + decoder.decode(), whole: true };
    const room = maxBytes - size;
    if (value.byteLength > room) {
      await reader.cancel().catch(() => {});
      return { text: text + decoder.decode(value.subarray(0, room)), whole: false };
    }
    size += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
}

/** An answer longer than its bound: the caller asked for more than one answer carries. */
export class AnswerTooLong extends Error {
  constructor(readonly maxBytes: number) {
    super(`the answer is longer than ${maxBytes} bytes`);
  }
}

/** The body as JSON; longer than maxBytes is an error (AnswerTooLong), as malformed JSON is. */
export async function boundedJSON(res: Response, maxBytes: number): Promise<unknown> {
  const { text, whole } = await readUpTo(res, maxBytes);
  if (!whole) throw new AnswerTooLong(maxBytes);
  return JSON.parse(text);
}

/** The start of a body for an error message: at most maxBytes of it are read. */
export async function bodySnippet(res: Response, maxBytes = 300): Promise<string> {
  return (await readUpTo(res, maxBytes).catch(() => ({ text: "" }))).text;
}
