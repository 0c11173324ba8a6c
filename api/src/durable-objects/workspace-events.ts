import { DurableObject } from "cloudflare:workers";
import type { WorkspaceSessionEvent } from "@burstflare/sdk/schemas/sessions";
import type { AppBindings } from "../env";
import { iso, now } from "../lib/time";
import { EventHub } from "../sessions/events";

const RING_KEY = "ring";
/** Streams end after this and the browser reconnects, so a removed member's stream does not outlive a re-check for long. */
const STREAM_MAX_AGE_MS = 10 * 60_000;

export type WorkspaceSessionChange = Omit<WorkspaceSessionEvent, "seq" | "at">;

const format = (e: WorkspaceSessionEvent) => `id: ${e.seq}\nevent: session\ndata: ${JSON.stringify(e)}\n\n`;
/** Tells a reconnecting client that events were missed (gap or restarted ring): refetch what it shows. */
const RESET = "event: reset\ndata: {}\n\n";

/**
 * One per workspace (idFromName(workspaceId)): fans the workspace's session changes out to every
 * open dashboard as one SSE stream, so lists follow state without polling. Session DOs publish
 * here after each transition (api/src/sessions/workspace-events.ts). The ring is persisted so
 * sequence numbers survive eviction and a reconnect resumes with Last-Event-ID.
 */
export class WorkspaceEventsDO extends DurableObject<AppBindings> {
  private hub: EventHub<WorkspaceSessionEvent> | null = null;

  private async loadHub(): Promise<EventHub<WorkspaceSessionEvent>> {
    this.hub ??= new EventHub((await this.ctx.storage.get<WorkspaceSessionEvent[]>(RING_KEY)) ?? [], format);
    return this.hub;
  }

  async publish(change: WorkspaceSessionChange): Promise<void> {
    const hub = await this.loadHub();
    hub.publish({ ...change, seq: hub.nextSeq, at: iso(now()) ?? "" });
    await this.ctx.storage.put(RING_KEY, hub.recent);
  }

  /** GET /events: live from now on, or from Last-Event-ID (a reset first when the ring no longer covers it). */
  async fetch(request: Request): Promise<Response> {
    const hub = await this.loadHub();
    const header = request.headers.get("last-event-id");
    const last = header === null ? Number.NaN : Number(header);
    if (!Number.isFinite(last)) return hub.subscribe(hub.nextSeq - 1, { maxAgeMs: STREAM_MAX_AGE_MS });
    if (!hub.covers(last)) return hub.subscribe(hub.nextSeq - 1, { preamble: RESET, maxAgeMs: STREAM_MAX_AGE_MS });
    return hub.subscribe(last, { maxAgeMs: STREAM_MAX_AGE_MS });
  }
}
