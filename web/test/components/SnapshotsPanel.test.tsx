import type { DeletedSnapshotBytes, Snapshot } from "@burstflare/sdk/schemas/snapshots";
import type { SessionState } from "@burstflare/sdk/states";
import { QueryClient } from "@tanstack/react-query";
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { deletedSnapshotsQuery, snapshotKeys } from "../../src/api/queries/snapshots";
import { SnapshotsPanel } from "../../src/components/SnapshotsPanel";
import { formatDateTime } from "../../src/components/time";
import { json, renderWithClient, resetAfterEach } from "../helpers";

function snap(over: Partial<Snapshot> = {}): Snapshot {
  return {
    id: "snap_1",
    sessionId: "ses_1",
    workspaceId: "ws_1",
    kind: "manual",
    label: "before refactor",
    status: "ready",
    bytes: 2048,
    sha256: "a".repeat(64),
    createdBy: "usr_1",
    createdAt: new Date().toISOString(),
    completedAt: new Date().toISOString(),
    restorePoint: true,
    ...over,
  };
}

/**
 * A fetch whose mutation answers the test releases by hand; the list refetch that follows a
 * mutation is answered at once with `list()`.
 */
function controlledFetch(list: () => Snapshot[] = () => []) {
  const calls: { method: string; url: string; body: unknown; resolve: (r: Response) => void }[] = [];
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    if ((init?.method ?? "GET") === "GET" && String(input) === "/api/sessions/ses_1/snapshots") {
      return Promise.resolve(json(200, { snapshots: list() }));
    }
    return new Promise<Response>((resolve) =>
      calls.push({
        method: init?.method ?? "GET",
        url: String(input),
        body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
        resolve,
      }),
    );
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

function renderPanel(snapshots: Snapshot[], state: SessionState = "running", canWrite = true, deleted: DeletedSnapshotBytes | null = null) {
  const qc = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY, refetchInterval: false } },
  });
  qc.setQueryData(snapshotKeys.list("ses_1"), snapshots);
  qc.setQueryData(deletedSnapshotsQuery("ses_1").queryKey, deleted);
  return renderWithClient(<SnapshotsPanel session={{ id: "ses_1", name: "calm-otter", state }} canWrite={canWrite} />, qc);
}

resetAfterEach();

describe("SnapshotsPanel", () => {
  it("lists snapshots with kind, label, size, hash, status and the restore point", () => {
    vi.stubGlobal("fetch", vi.fn());
    renderPanel([
      snap(),
      snap({ id: "snap_2", kind: "stop", label: null, restorePoint: false }),
      snap({ id: "snap_3", kind: "autosave", label: null, status: "failed", bytes: null, sha256: null, restorePoint: false }),
    ]);
    const rows = within(screen.getByTestId("snapshots-table")).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.getAttribute("data-status"))).toEqual(["ready", "ready", "failed"]);
    expect(rows[0]?.textContent).toMatch(/before refactor.*restore point/);
    expect(rows[0]?.textContent).toContain("aaaaaaaaaaaa…");
    expect(rows[1]?.textContent).toContain("on stop");
    expect(rows[2]?.textContent).toContain("failed");
    expect(within(rows[0]!).getByRole("link", { name: "Download" }).getAttribute("href")).toBe(
      "/api/sessions/ses_1/snapshots/snap_1/content",
    );
    expect(within(rows[2]!).queryByRole("link", { name: "Download" })).toBeNull();
  });

  it("saves a labelled snapshot and shows the result", async () => {
    const { calls } = controlledFetch();
    renderPanel([]);
    fireEvent.change(screen.getByLabelText("Snapshot label"), { target: { value: "nightly" } });
    fireEvent.click(screen.getByTestId("save-snapshot"));
    await waitFor(() =>
      expect(calls[0]).toMatchObject({ method: "POST", url: "/api/sessions/ses_1/snapshots", body: { label: "nightly" } }),
    );
    await act(async () => calls[0]!.resolve(json(201, snap({ label: "nightly" }))));
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Saved 2(\.0)? KB snapshot “nightly”/));
  });

  it("cannot save unless the session runs, and a viewer sees no write actions and no download", () => {
    vi.stubGlobal("fetch", vi.fn());
    renderPanel([snap()], "stopped");
    expect((screen.getByTestId("save-snapshot") as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    renderPanel([snap()], "running", false);
    expect(screen.queryByTestId("save-snapshot")).toBeNull();
    expect(screen.queryByRole("button", { name: /Restore/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Delete snapshot/ })).toBeNull();
    expect(screen.queryByRole("link", { name: "Download" })).toBeNull();
  });

  it("asks before restoring and explains the safety snapshot; Cancel sends nothing", async () => {
    const { calls, fetchMock } = controlledFetch();
    renderPanel([snap({ restorePoint: false })]);
    fireEvent.click(screen.getByRole("button", { name: /Restore/ }));
    const dialog = screen.getByRole("alertdialog", { name: "Restore this snapshot?" });
    expect(dialog.textContent).toMatch(/saved first as a safety snapshot/);
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(fetchMock).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: /Restore/ }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Restore" }));
    await waitFor(() => expect(calls[0]).toMatchObject({ method: "POST", url: "/api/sessions/ses_1/snapshots/snap_1/restore" }));
    await act(async () => calls[0]!.resolve(json(200, { restored: snap(), safety: snap({ id: "snap_safe", kind: "safety" }) })));
    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("safety snapshot snap_safe"));
  });

  it("deletes after confirmation, and puts the row back with the reason when refused", async () => {
    const { calls } = controlledFetch(() => [snap()]);
    renderPanel([snap()]);
    fireEvent.click(screen.getByRole("button", { name: "Delete snapshot before refactor" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete this snapshot?" });
    expect(dialog.textContent).toMatch(/This is the restore point/);
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete snapshot" }));
    await waitFor(() => expect(calls[0]).toMatchObject({ method: "DELETE", url: "/api/sessions/ses_1/snapshots/snap_1" }));
    await waitFor(() => expect(screen.queryByTestId("snapshots-table")).toBeNull());
    await act(async () => calls[0]!.resolve(json(409, { error: { code: "invalid_state", message: "snapshot is still uploading" } })));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("snapshot is still uploading"));
    expect(screen.getByTestId("snapshots-table")).toBeTruthy();
  });

  it("deletes permanently when that choice is ticked (the archive is removed now, freeing its storage)", async () => {
    const { calls } = controlledFetch(() => []);
    renderPanel([snap({ restorePoint: false })]);
    fireEvent.click(screen.getByRole("button", { name: "Delete snapshot before refactor" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete this snapshot?" });
    expect(dialog.textContent).toMatch(/keeps counting against the workspace's snapshot storage/);
    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Delete permanently/ }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete snapshot" }));
    await waitFor(() => expect(calls[0]).toMatchObject({ method: "DELETE", url: "/api/sessions/ses_1/snapshots/snap_1?permanent=true" }));
  });

  it("says what deleted snapshots still hold, and until when", async () => {
    const deleted = { bytes: 3 * 1024 * 1024, purgeAfter: "2026-12-15T03:00:00.000Z" };
    renderPanel([snap()], "running", true, deleted);
    const line = await screen.findByTestId("deleted-snapshot-bytes");
    expect(line.textContent).toContain("3.0 MB");
    expect(line.textContent).toContain(formatDateTime(deleted.purgeAfter));
    expect(line.textContent).toMatch(/delete them permanently to free it now/);
  });

  it("restores into a new session with a valid name only", async () => {
    const { calls, fetchMock } = controlledFetch();
    renderPanel([snap()]);
    fireEvent.click(screen.getByRole("button", { name: /New session/ }));
    const dialog = screen.getByRole("alertdialog", { name: "Restore into a new session" });
    const input = within(dialog).getByLabelText("New session name") as HTMLInputElement;
    expect(input.value).toBe("calm-otter-copy");
    fireEvent.change(input, { target: { value: "Bad Name" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create session" }));
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.change(input, { target: { value: "otter-2" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create session" }));
    await waitFor(() =>
      expect(calls[0]).toMatchObject({
        method: "POST",
        url: "/api/sessions/ses_1/snapshots/snap_1/new-session",
        body: { name: "otter-2" },
      }),
    );
  });
});
