import type { Snapshot } from "@burstflare/sdk/schemas/snapshots";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { DeletedSnapshots } from "../../src/components/DeletedSnapshots";
import { json, renderWithClient, resetAfterEach } from "../helpers";

const deleted: Snapshot = {
  id: "snap_old",
  sessionId: "ses_1",
  workspaceId: "ws_1",
  kind: "manual",
  label: "old experiment",
  status: "ready",
  bytes: 4096,
  sha256: null,
  createdBy: "usr_1",
  createdAt: new Date().toISOString(),
  completedAt: new Date().toISOString(),
  restorePoint: false,
};

/** The session's deleted list until a permanent delete succeeds, then none. */
function trashFetch() {
  let purged = false;
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if ((init?.method ?? "GET") === "DELETE") {
      purged = true;
      return json(200, { ok: true });
    }
    if (url === "/api/sessions/ses_1/snapshots?deleted=true") return json(200, { snapshots: purged ? [] : [deleted] });
    return json(404, { error: { code: "not_found", message: url } });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

resetAfterEach();

describe("DeletedSnapshots", () => {
  it("lists the session's deleted snapshots on request and deletes one permanently after a confirm", async () => {
    const fetchMock = trashFetch();
    renderWithClient(<DeletedSnapshots sessionId="ses_1" held={{ bytes: 4096, purgeAfter: null }} canWrite />);
    expect(screen.getByTestId("deleted-snapshot-bytes").textContent).toContain("4.0 KB");
    expect(fetchMock).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: /show this session's deleted snapshots/i }));
    const row = await screen.findByText("old experiment");
    fireEvent.click(within(row.closest("li")!).getByRole("button", { name: "Delete permanently" }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete permanently" }));

    await waitFor(() =>
      expect(fetchMock).toHaveBeenCalledWith(
        "/api/sessions/ses_1/snapshots/snap_old?permanent=true",
        expect.objectContaining({ method: "DELETE" }),
      ),
    );
    await waitFor(() => expect(screen.queryByText("old experiment")).toBeNull());
  });

  it("offers no permanent delete to a member who may not write snapshots", async () => {
    trashFetch();
    renderWithClient(<DeletedSnapshots sessionId="ses_1" held={{ bytes: 4096, purgeAfter: null }} canWrite={false} />);
    fireEvent.click(screen.getByRole("button", { name: /show this session's deleted snapshots/i }));
    await screen.findByText("old experiment");
    expect(screen.queryByRole("button", { name: "Delete permanently" })).toBeNull();
  });
});
