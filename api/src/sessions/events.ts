import type { SessionEvent } from "@burstflare/sdk/schemas/sessions";

const RING_SIZE = 64;
const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();

function formatSSE(event: SessionEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** What the hub relays: anything with a sequence number, written as one SSE message by `format`. */
interface Sequenced {
  seq: number;
}

/**
 * Recent events and their live subscribers: one session's lifecycle in the Session DO, or a
 * workspace's session changes in the Workspace Events DO.
 * A subscriber first gets the ring after its Last-Event-ID, then live events; a subscriber
 * whose stream broke is dropped on the next write.
 */
export class EventHub<E extends Sequenced = SessionEvent> {
  private ring: E[] = [];
  private readonly subscribers = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  private readonly format: (event: E) => string;

  constructor(initial: E[] = [], format: (event: E) => string = formatSSE as unknown as (event: E) => string) {
    this.ring = initial.slice(-RING_SIZE);
    this.format = format;
  }

  get recent(): E[] {
    return this.ring;
  }

  get nextSeq(): number {
    return (this.ring.at(-1)?.seq ?? 0) + 1;
  }

  publish(event: E): void {
    this.ring.push(event);
    if (this.ring.length > RING_SIZE) this.ring.shift();
    const bytes = encoder.encode(this.format(event));
    for (const writer of this.subscribers) this.write(writer, bytes);
  }

  /** Whether the ring still holds every event after `lastEventId` (false after a gap or for an unknown id). */
  covers(lastEventId: number): boolean {
    const first = this.ring[0]?.seq ?? this.nextSeq;
    return lastEventId >= first - 1 && lastEventId < this.nextSeq;
  }

  /**
   * An SSE response replaying events newer than `lastEventId`, then following live. `preamble`
   * is written first; after `maxAgeMs` the stream ends so the client reconnects (and is
   * authorised again) with its Last-Event-ID.
   */
  subscribe(lastEventId: number | null, opts: { preamble?: string; maxAgeMs?: number } = {}): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.subscribers.add(writer);
    // `retry` tells EventSource how soon to reconnect after a broken stream.
    this.write(writer, encoder.encode(`retry: 2000\n\n${opts.preamble ?? ""}`));
    if (opts.maxAgeMs) {
      const end = setTimeout(() => {
        this.subscribers.delete(writer);
        writer.close().catch(() => {});
      }, opts.maxAgeMs);
      writer.closed.finally(() => clearTimeout(end)).catch(() => {});
    }
    for (const event of this.ring) {
      if (lastEventId === null || event.seq > lastEventId) this.write(writer, encoder.encode(this.format(event)));
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
