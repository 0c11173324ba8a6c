import type { WorkspaceSessionEvent } from "@burstflare/sdk/schemas/sessions";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeSession } from "../../../src/api/session-fixture";
import { DashboardPage } from "../../../src/pages/DashboardPage/DashboardPage";

/** An EventSource the test feeds by hand (the workspace stream's `event: session`). */
class FakeEventSource {
  static all: FakeEventSource[] = [];
  readyState = 1;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, ((e: Event) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: unknown) {
    for (const fn of this.listeners.get(type) ?? []) fn(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const sessions = Array.from({ length: 50 }, (_, i) =>
  makeSession(i === 0 ? "stopped" : "running", { id: `ses_${i}`, name: `s-${i}`, stateVersion: 2 }),
);

/** Answers the dashboard's calls by path; counts the session-list requests. */
function stubAPI() {
  const listCalls: string[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), "http://app.test");
    if (url.pathname === "/api/sessions") {
      listCalls.push(url.search);
      return json(url.searchParams.get("state") ? { sessions: [], nextCursor: null } : { sessions, nextCursor: "next" });
    }
    if (url.pathname === "/api/auth/me") {
      return json({ user: { id: "usr_1", email: "a@example.com", name: "A" }, workspace: { id: "ws_1", role: "owner" }, role: "owner" });
    }
    if (url.pathname.endsWith("/snapshots")) return json({ snapshots: [] });
    return json({ error: { code: "not_found", message: "not in this test" } }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { listCalls };
}

beforeEach(() => {
  FakeEventSource.all = [];
  vi.stubGlobal("EventSource", FakeEventSource);
  vi.useFakeTimers({ shouldAdvanceTime: true });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("DashboardPage and the session list", () => {
  it("loads one page, holds one workspace event stream and does not poll the list", async () => {
    const { listCalls } = stubAPI();
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={qc}>
        <MemoryRouter>
          <DashboardPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getByTestId("dashboard-sessions").querySelectorAll("li").length).toBeGreaterThan(0));
    // One page of the list (not every page: nextCursor is never followed) and one state-filtered page for a count.
    expect(listCalls.filter((q) => !q.includes("state="))).toEqual(["?limit=50"]);
    expect(listCalls.filter((q) => q.includes("state="))).toEqual(["?state=sleeping&limit=50"]);
    const streams = FakeEventSource.all.filter((s) => !s.closed);
    expect(streams.map((s) => s.url)).toEqual(["/api/sessions/events"]);

    const before = listCalls.length;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10 * 60_000);
    });
    expect(listCalls.length).toBe(before);

    // A pushed change moves the row without a request.
    const event: WorkspaceSessionEvent = {
      seq: 1,
      at: new Date().toISOString(),
      sessionId: "ses_0",
      state: "running",
      stateVersion: 3,
      phase: "ready",
      failureReason: null,
    };
    await act(async () => streams[0]?.emit("session", event));
    const stopped = qc.getQueryData<{ pages: { sessions: { id: string; state: string }[] }[] }>(["sessions", "list", {}]);
    expect(stopped?.pages[0]?.sessions.find((s) => s.id === "ses_0")?.state).toBe("running");
    expect(listCalls.length).toBe(before);
  });
});
