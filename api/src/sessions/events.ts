import type { SessionEvent } from "../../../sdk/schemas/sessions";

const RING_SIZE = 64;
const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();

export function formatSSE(event: SessionEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Recent lifecycle events of one session and its live subscribers, held in the Session DO.
 * A subscriber first gets the ring after its Last-Event-ID, then live events; a subscriber
 * whose stream broke is dropped on the next write.
 */
export class EventHub {
  private ring: SessionEvent[] = [];
  private readonly subscribers = new Set<WritableStreamDefaultWriter<Uint8Array>>();

  constructor(initial: SessionEvent[] = []) {
    this.ring = initial.slice(-RING_SIZE);
  }

  get recent(): SessionEvent[] {
    return this.ring;
  }

  get nextSeq(): number {
    return (this.ring.at(-1)?.seq ?? 0) + 1;
  }

  publish(event: SessionEvent): void {
    this.ring.push(event);
    if (this.ring.length > RING_SIZE) this.ring.shift();
    const bytes = encoder.encode(formatSSE(event));
    for (const writer of this.subscribers) this.write(writer, bytes);
  }

  /** An SSE response replaying events newer than `lastEventId`, then following live. */
  subscribe(lastEventId: number | null): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.subscribers.add(writer);
    // `retry` tells EventSource how soon to reconnect after a broken stream.
    this.write(writer, encoder.encode("retry: 2000\n\n"));
    for (const event of this.ring) {
      if (lastEventId === null || event.seq > lastEventId) this.write(writer, encoder.encode(formatSSE(event)));
    }
    const heartbeat = setInterval(() => this.write(writer, encoder.encode(": keep-alive\n\n")), HEARTBEAT_MS);
    writer.closed.finally(() => clearInterval(heartbeat)).catch(() => {});
    return new Response(readable, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  }

  private write(writer: WritableStreamDefaultWriter<Uint8Array>, bytes: Uint8Array): void {
    writer.write(bytes).catch(() => {
      this.subscribers.delete(writer);
      writer.abort().catch(() => {});
    });
  }
}
