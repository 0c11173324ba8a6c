/** Reads an SSE response until `done(text)` holds; returns everything read. */
export async function readSSE(res: Response, done: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => reader.cancel(), timeoutMs);
  try {
    while (!done(text)) {
      const { value, done: end } = await reader.read();
      if (end) throw new Error(`event stream ended before the condition; got: ${text.slice(-800)}`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
  return text;
}
