import type { SessionDetail, SessionEvent } from "@burstflare/sdk/schemas/sessions";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { sessionKeys } from "../../src/api/queries/sessions";
import { applySessionEvent, useSessionEvents } from "../../src/api/session-events";
import { makeSession } from "../../src/api/session-fixture";

const base: SessionDetail = {
  ...makeSession("sleeping", { stateVersion: 4, lastLifecyclePhase: "stopped" }),
  activity: null,
};

const event = (over: Partial<SessionEvent>): SessionEvent => ({
  seq: 1,
  type: "transition",
  at: "2026-11-29T10:00:01.000Z",
  state: "starting",
  stateVersion: 5,
  phase: null,
  message: null,
  sleepsAt: null,
  ...over,
});

/** An EventSource the test feeds by hand; named events like the server's `event: phase`. */
class FakeEventSource {
  static last: FakeEventSource | null = null;
  readyState = 0;
  onopen: (() => void) | null = null;
  listeners = new Map<string, ((e: Event) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, fn: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
  }
  emit(e: SessionEvent) {
    for (const fn of this.listeners.get(e.type) ?? []) fn(new MessageEvent(e.type, { data: JSON.stringify(e) }));
  }
}

afterEach(cleanup);

type Seen = ReturnType<typeof useSessionEvents>;
function Probe({ onRender }: { onRender: (seen: Seen) => void }) {
  onRender(useSessionEvents("ses_1", { EventSourceImpl: FakeEventSource as unknown as typeof EventSource }));
  return null;
}

describe("applySessionEvent", () => {
  it("moves state and phase forward", () => {
    const next = applySessionEvent(base, event({ type: "phase", phase: "restoring_snapshot", seq: 2 }));
    expect(next).toMatchObject({ state: "starting", stateVersion: 5, lastLifecyclePhase: "restoring_snapshot" });
  });
  it("never lets a stale event overwrite a newer state", () => {
    expect(applySessionEvent(base, event({ state: "running", stateVersion: 3 }))).toBe(base);
  });
  it("keeps the failure reason from error events", () => {
    expect(applySessionEvent(base, event({ type: "error", state: "failed", message: "bootstrap exited 1" }))?.failureReason).toBe(
      "bootstrap exited 1",
    );
  });
});

describe("useSessionEvents", () => {
  it("follows the stream into the cache, ignores replays and closes on unmount", () => {
    const qc = new QueryClient();
    qc.setQueryData(sessionKeys.detail("ses_1"), base);
    let seen: Seen | null = null;
    const view = render(
      <QueryClientProvider client={qc}>
        <Probe onRender={(s) => (seen = s)} />
      </QueryClientProvider>,
    );
    const source = FakeEventSource.last!;
    expect(source.url).toBe("/api/sessions/ses_1/events");
    act(() => source.onopen?.());
    expect(seen!.status).toBe("live");

    act(() => source.emit(event({ seq: 7, type: "phase", phase: "provisioning" })));
    act(() => source.emit(event({ seq: 7, type: "phase", phase: "bootstrapping" }))); // same seq: a replay
    act(() => source.emit(event({ seq: 8, type: "transition", state: "running", stateVersion: 6, phase: "ready" })));

    expect(qc.getQueryData<SessionDetail>(sessionKeys.detail("ses_1"))).toMatchObject({
      state: "running",
      lastLifecyclePhase: "ready",
      stateVersion: 6,
    });
    expect(seen!.events.map((e) => e.seq)).toEqual([7, 8]);
    expect(seen!.lastEvent?.phase).toBe("ready");

    view.unmount();
    expect(source.closed).toBe(true);
  });
});
