import type fs from "node:fs";
import type { Readable } from "node:stream";

/**
 * The agent's stdout and stderr, as the root host reads them. Whoever holds those descriptors writes
 * anything there (session code took them with pidfd_getfd until the agent changed its uid itself;
 * a compromised agent still can): one line of
 * 600 MB without a newline once grew readline's buffer past V8's string limit and crashed the
 * host with every runtime on it, and endless output filled the host's disk. So lines are read up
 * to a bound, and the log of one agent run is capped.
 */

/** The longest stdout line the host looks at for the ready signal; longer lines are skipped. */
const MAX_AGENT_LINE_BYTES = 64 * 1024;
/** What one agent run may add to its log, stdout and stderr together; the rest is dropped. */
export const MAX_AGENT_LOG_BYTES = 16 * 1024 * 1024;

/** Appends the agent's output to its log until the cap, then notes once that the rest was dropped. */
export class AgentLog {
  private written = 0;
  private full = false;

  constructor(
    private readonly out: fs.WriteStream,
    private readonly maxBytes = MAX_AGENT_LOG_BYTES,
  ) {}

  /** Output of the agent (or of whoever holds its descriptors). */
  agent(chunk: Buffer | string): void {
    if (this.full) return;
    const bytes = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (this.written + bytes > this.maxBytes) {
      this.full = true;
      this.out.write(`[host] agent output over ${this.maxBytes} bytes; the rest of this run is not logged\n`);
      return;
    }
    this.written += bytes;
    this.out.write(chunk);
  }

  /** The host's own notes: short, and always written. */
  host(line: string): void {
    this.out.write(`[host] ${line}\n`);
  }
}

/**
 * Calls onLine for each newline-terminated line of at most maxBytes; a longer one is skipped
 * whole, so nothing the agent writes makes the host hold more than maxBytes of one line.
 */
export function boundedLines(input: Readable, onLine: (line: string) => void, maxBytes = MAX_AGENT_LINE_BYTES): void {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  input.on("data", (chunk: Buffer) => {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline < 0 ? chunk.length : newline;
      if (!skipping && size + end - start > maxBytes) {
        skipping = true;
        parts = [];
        size = 0;
      }
      if (!skipping) {
        parts.push(chunk.subarray(start, end));
        size += end - start;
      }
      if (newline < 0) return;
      if (!skipping) onLine(Buffer.concat(parts).toString("utf8"));
      parts = [];
      size = 0;
      skipping = false;
      start = newline + 1;
    }
  });
}

/** The ready signal's port: a TCP port number, nothing that could change the agent URL's host. */
export function listeningPort(line: string): number | null {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof message !== "object" || message === null) return null;
  const { event, port } = message as { event?: unknown; port?: unknown };
  if (event !== "listening" || typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return port;
}
