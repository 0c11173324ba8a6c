import type { Session, WorkspaceSessionEvent } from "@burstflare/sdk/schemas/sessions";
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { flattenList, type SessionListCache, sessionKeys } from "../../src/api/queries/sessions";
import { makeSession } from "../../src/api/session-fixture";
import { applyWorkspaceEvent } from "../../src/api/workspace-events";

const cache = (sessions: Session[]): SessionListCache => ({ pages: [{ sessions, nextCursor: null }], pageParams: [null] });
const event = (over: Partial<WorkspaceSessionEvent>): WorkspaceSessionEvent => ({
  seq: 1,
  at: "2026-12-01T00:00:00.000Z",
  sessionId: "ses_a",
  state: "running",
  stateVersion: 5,
  phase: "ready",
  failureReason: null,
  ...over,
});

function setup() {
  const qc = new QueryClient();
  const a = makeSession("stopped", { id: "ses_a", name: "a", stateVersion: 4 });
  const b = makeSession("sleeping", { id: "ses_b", name: "b", stateVersion: 4 });
  qc.setQueryData(sessionKeys.list(), cache([a, b]));
  qc.setQueryData(sessionKeys.list({ state: "sleeping" }), cache([b]));
  qc.setQueryData(sessionKeys.list({ state: "running" }), cache([]));
  const invalidate = vi.spyOn(qc, "invalidateQueries");
  const rows = (filters = {}) => flattenList(qc.getQueryData<SessionListCache>(sessionKeys.list(filters))) ?? [];
  const listRefetches = () => invalidate.mock.calls.filter(([f]) => JSON.stringify(f?.queryKey ?? []).includes('"list"'));
  return { qc, rows, listRefetches };
}

describe("applyWorkspaceEvent", () => {
  it("moves a row in place, and refetches only the filtered list it now belongs to", () => {
    const { qc, rows, listRefetches } = setup();
    applyWorkspaceEvent(qc, event({}));
    expect(rows().find((s) => s.id === "ses_a")).toMatchObject({ state: "running", stateVersion: 5, lastLifecyclePhase: "ready" });
    expect(listRefetches().map(([f]) => f?.queryKey)).toEqual([sessionKeys.list({ state: "running" })]);
  });

  it("drops a row that leaves a state filter, without a request", () => {
    const { qc, rows, listRefetches } = setup();
    applyWorkspaceEvent(qc, event({ sessionId: "ses_b", state: "starting", stateVersion: 5 }));
    expect(rows({ state: "sleeping" })).toEqual([]);
    expect(rows().find((s) => s.id === "ses_b")?.state).toBe("starting");
    expect(listRefetches()).toEqual([]);
  });

  it("ignores a stale event and refetches the unfiltered list only for a new session", () => {
    const { qc, rows, listRefetches } = setup();
    applyWorkspaceEvent(qc, event({ stateVersion: 3, state: "failed" }));
    expect(rows().find((s) => s.id === "ses_a")?.state).toBe("stopped");
    // An older session beyond the loaded pages changing state is not a reason to refetch the page.
    applyWorkspaceEvent(qc, event({ sessionId: "ses_old", state: "stopped", stateVersion: 9 }));
    expect(listRefetches()).toEqual([]);
    applyWorkspaceEvent(qc, event({ sessionId: "ses_new", state: "created", stateVersion: 0, phase: null }));
    expect(listRefetches().map(([f]) => f?.queryKey)).toEqual([sessionKeys.list()]);
  });

  it("removes a deleted session from every list", () => {
    const { qc, rows } = setup();
    applyWorkspaceEvent(qc, event({ sessionId: "ses_b", state: "deleted", stateVersion: 6 }));
    expect(rows().map((s) => s.id)).toEqual(["ses_a"]);
    expect(rows({ state: "sleeping" })).toEqual([]);
  });
});
