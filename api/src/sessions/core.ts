import { ApiError } from "@burstflare/sdk/errors";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import type { SESSION_EVENT_TYPES, SessionEvent } from "@burstflare/sdk/schemas/sessions";
import type { LifecyclePhase, SessionState } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { log } from "../lib/log";
import { epochMs, iso, now } from "../lib/time";
import { getRuntimeDriver } from "../runtime-drivers/select";
import type { RuntimeDriver } from "../runtime-drivers/types";
import type { FetchAgent, SessionRef } from "../snapshots/store";
import { EventHub } from "./events";
import type { KeepAwakeLease } from "./idle";
import { getSessionById, type LifecycleFields, mirrorLifecycle } from "./records";
import { assertTransition } from "./state-machine";
import { publishSessionChange } from "./workspace-events";

/** What the Session DO keeps in its storage: the truth D1 mirrors. */
export interface LifecycleRecord extends LifecycleFields {
  sessionId: string;
  workspaceId: string;
  ownerId: string;
  runtime: RuntimeInfo | null;
  /** When the runtime last became ready (idle baseline) and when it was started (usage). */
  readyAt: number | null;
  runtimeStartedAt: number | null;
  leases: KeepAwakeLease[];
  /** The sleepsAt the last idle warning was about, so it is sent once per idle period. */
  warnedFor: number | null;
}

interface Change {
  state?: SessionState;
  phase?: LifecyclePhase;
  /** Message of the emitted event (the failure reason for `failed`). */
  message?: string;
  fields?: Partial<Omit<LifecycleRecord, "state" | "stateVersion" | "lastLifecyclePhase">>;
  /** An operator's restore (api/src/admin/restore.ts): the one way out of `deleted`, to `stopped`. */
  operatorRestore?: boolean;
}

export const RECORD_KEY = "lifecycle";
const EVENTS_KEY = "events";

/**
 * The state of one session inside its Durable Object: load/save, the serialising queue, the
 * event hub and the runtime driver. Lifecycle operations (lifecycle.ts) run through `exclusive`
 * so concurrent start/stop/restart/delete calls apply one after another.
 */
export class SessionCore {
  readonly driver: RuntimeDriver;
  events: EventHub | null = null;
  private record: LifecycleRecord | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly storage: DurableObjectStorage,
    readonly env: AppBindings,
  ) {
    this.driver = getRuntimeDriver(env);
  }

  /** Loads the record from storage, or creates it from the D1 row the first time the DO sees the session. */
  async load(sessionId?: string): Promise<LifecycleRecord> {
    if (this.record && (!sessionId || this.record.sessionId === sessionId)) return this.record;
    const stored = await this.storage.get<LifecycleRecord>(RECORD_KEY);
    if (!this.events) this.events = new EventHub((await this.storage.get<SessionEvent[]>(EVENTS_KEY)) ?? []);
    if (stored) {
      this.record = stored;
      return stored;
    }
    if (!sessionId) throw new ApiError("not_found", "session not found");
    const row = await getSessionById(this.env, sessionId);
    if (!row) throw new ApiError("not_found", "session not found");
    this.record = {
      sessionId: row.id,
      workspaceId: row.workspaceId,
      ownerId: row.ownerId,
      state: row.state,
      stateVersion: row.stateVersion,
      runtimeStatus: row.runtimeStatus,
      runtimeState: row.runtimeState,
      lastBootstrapAt: epochMs(row.lastBootstrapAt),
      lastLifecyclePhase: row.lastLifecyclePhase,
      failureReason: row.failureReason,
      lastActiveAt: epochMs(row.lastActiveAt),
      runtime: null,
      readyAt: null,
      runtimeStartedAt: null,
      leases: [],
      warnedFor: null,
    };
    await this.storage.put(RECORD_KEY, this.record);
    return this.record;
  }

  /** The session's event ring and subscribers (restored from storage by load()). */
  get hub(): EventHub {
    this.events ??= new EventHub();
    return this.events;
  }

  get current(): LifecycleRecord {
    if (!this.record) throw new ApiError("internal", "session record not loaded");
    return this.record;
  }

  get ref(): SessionRef {
    return { id: this.current.sessionId, workspaceId: this.current.workspaceId };
  }

  /** True while a lifecycle operation runs or waits. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Runs lifecycle operations one at a time, in arrival order. */
  exclusive<T>(op: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(op).finally(() => this.pending--);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Applies a transition or phase change: checks it against the state machine, bumps the
   * version, persists, mirrors to D1 (a stale version there is ignored) and emits an event.
   */
  async apply(change: Change): Promise<LifecycleRecord> {
    const prev = this.current;
    const restoring = change.operatorRestore === true && prev.state === "deleted" && change.state === "stopped";
    if (change.state && change.state !== prev.state && !restoring) assertTransition(prev.state, change.state);
    const t = now();
    const next: LifecycleRecord = {
      ...prev,
      ...change.fields,
      state: change.state ?? prev.state,
      lastLifecyclePhase: change.phase ?? prev.lastLifecyclePhase,
      stateVersion: prev.stateVersion + 1,
    };
    if (next.state === "failed") next.failureReason = change.message ?? next.failureReason ?? "unknown failure";
    else if (change.state) next.failureReason = null;
    this.record = next;
    await this.storage.put(RECORD_KEY, next);
    try {
      await mirrorLifecycle(this.env, next.sessionId, next, t);
    } catch (err) {
      // The DO is the truth; the next transition mirrors a newer version.
      log("error", "session mirror to D1 failed", { sessionId: next.sessionId, error: String(err) });
    }
    const type = change.state && change.state !== prev.state ? (change.state === "failed" ? "error" : "transition") : "phase";
    await this.emit(type, change.message ?? null, { phase: change.phase ?? null });
    await publishSessionChange(this.env, next.workspaceId, {
      sessionId: next.sessionId,
      state: next.state,
      stateVersion: next.stateVersion,
      phase: next.lastLifecyclePhase,
      failureReason: next.failureReason,
    });
    return next;
  }

  /** Updates fields that are not lifecycle transitions (leases, warnings); no version bump. */
  async patch(fields: Partial<LifecycleRecord>): Promise<void> {
    this.record = { ...this.current, ...fields };
    await this.storage.put(RECORD_KEY, this.record);
  }

  async emit(
    type: (typeof SESSION_EVENT_TYPES)[number],
    message: string | null,
    extra: { phase?: LifecyclePhase | null; sleepsAt?: number | null } = {},
  ): Promise<void> {
    const r = this.current;
    const hub = this.hub;
    hub.publish({
      seq: hub.nextSeq,
      type,
      at: iso(now()) ?? "",
      state: r.state,
      stateVersion: r.stateVersion,
      phase: extra.phase ?? null,
      message,
      sleepsAt: iso(extra.sleepsAt ?? null),
    });
    await this.storage.put(EVENTS_KEY, hub.recent);
  }

  /** Reaches the agent of the current runtime; null runtime means it is not up. */
  fetchAgentFor(info: RuntimeInfo): FetchAgent {
    return (path, init) => this.driver.fetchAgent(info, path, init);
  }
}
