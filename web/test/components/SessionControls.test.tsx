import type { Session } from "@burstflare/sdk/schemas/sessions";
import type { SessionState } from "@burstflare/sdk/states";
import { QueryClient, useInfiniteQuery } from "@tanstack/react-query";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { flattenList, sessionKeys, sessionsQuery } from "../../src/api/queries/sessions";
import { makeSession } from "../../src/api/session-fixture";
import { SessionControls } from "../../src/components/SessionControls";
import { SessionStateBadge } from "../../src/components/SessionStateBadge";
import { json, renderWithClient, resetAfterEach } from "../helpers";

/** The list as a page shows it: state badge + controls per row, both fed from the query cache. */
function Harness() {
  const { data } = useInfiniteQuery(sessionsQuery());
  return (
    <ul>
      {flattenList(data)?.map((s) => (
        <li key={s.id} data-testid={`row-${s.name}`}>
          <SessionStateBadge state={s.state} />
          <SessionControls session={s} />
        </li>
      ))}
    </ul>
  );
}

function renderWith(sessions: Session[]) {
  const qc = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY, refetchInterval: false } },
  });
  qc.setQueryData(sessionKeys.list(), { pages: [{ sessions, nextCursor: null }], pageParams: [null] });
  return renderWithClient(<Harness />, qc);
}

/** A fetch whose answers the test releases by hand, to look at the screen in between. */
function controlledFetch() {
  const calls: { method: string; url: string; resolve: (r: Response) => void }[] = [];
  const fetchMock = vi.fn(
    (input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((resolve) => calls.push({ method: init?.method ?? "GET", url: String(input), resolve })),
  );
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

const buttons = () =>
  screen
    .queryAllByRole("button")
    .map((b) => b.getAttribute("data-action"))
    .filter(Boolean);

resetAfterEach();

describe("SessionControls", () => {
  it.each<[SessionState, string[]]>([
    ["running", ["stop", "restart", "delete"]],
    ["sleeping", ["start", "stop", "delete"]],
    ["stopped", ["start", "delete"]],
    ["failed", ["start", "delete"]],
    ["starting", ["delete"]],
    ["deleted", []],
  ])("offers the actions that fit a %s session", (state, expected) => {
    vi.stubGlobal("fetch", vi.fn());
    renderWith([makeSession(state)]);
    expect(buttons()).toEqual(expected);
  });

  it("asks before deleting; Cancel sends nothing, confirming sends DELETE", async () => {
    const { calls, fetchMock } = controlledFetch();
    renderWith([makeSession("stopped")]);
    fireEvent.click(screen.getByRole("button", { name: /Delete/ }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete calm-otter?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: /Delete/ }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete session" }));
    await waitFor(() => expect(calls[0]).toMatchObject({ method: "DELETE", url: "/api/sessions/ses_1" }));
    // Optimistic: the row leaves the list before the server answers.
    await waitFor(() => expect(screen.queryByTestId("row-calm-otter")).toBeNull());
  });

  it("Escape closes the confirmation without deleting", () => {
    const { fetchMock } = controlledFetch();
    renderWith([makeSession("running")]);
    fireEvent.click(screen.getByRole("button", { name: /Delete/ }));
    fireEvent.keyDown(screen.getByRole("alertdialog"), { key: "Escape" });
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the new state at once and settles on the server's answer", async () => {
    const { calls } = controlledFetch();
    renderWith([makeSession("running")]);
    fireEvent.click(screen.getByRole("button", { name: /Stop/ }));
    await waitFor(() => expect(screen.getByTestId("session-state").dataset.state).toBe("stopping"));
    expect(calls[0]).toMatchObject({ method: "POST", url: "/api/sessions/ses_1/stop" });
    // While the action is in flight the buttons are disabled (no double submits).
    for (const b of screen.getAllByRole("button")) expect((b as HTMLButtonElement).disabled).toBe(true);

    await act(async () => calls[0]!.resolve(json(200, { session: makeSession("stopped", { stateVersion: 5 }) })));
    await waitFor(() => expect(screen.getByTestId("session-state").dataset.state).toBe("stopped"));
  });

  it("rolls the optimistic state back and shows the server's reason when refused", async () => {
    const { calls } = controlledFetch();
    renderWith([makeSession("stopped")]);
    fireEvent.click(screen.getByRole("button", { name: /Start/ }));
    await waitFor(() => expect(screen.getByTestId("session-state").dataset.state).toBe("starting"));
    await act(async () => calls[0]!.resolve(json(403, { error: { code: "quota_exceeded", message: "2 of 2 running sessions in use" } })));
    await waitFor(() => expect(screen.getByTestId("session-state").dataset.state).toBe("stopped"));
    expect(screen.getByRole("alert").textContent).toContain("Quota reached: 2 of 2 running sessions in use");
  });

  it("confirms a restart before ending running processes", async () => {
    const { calls } = controlledFetch();
    renderWith([makeSession("running")]);
    fireEvent.click(screen.getByRole("button", { name: /Restart/ }));
    expect(calls).toHaveLength(0);
    fireEvent.click(within(screen.getByRole("alertdialog", { name: "Restart calm-otter?" })).getByRole("button", { name: "Restart" }));
    await waitFor(() => expect(calls[0]).toMatchObject({ method: "POST", url: "/api/sessions/ses_1/restart" }));
    expect(screen.getByTestId("session-state").dataset.state).toBe("starting");
  });
});
