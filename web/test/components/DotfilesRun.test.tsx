import type { Workspace } from "@burstflare/sdk/schemas/workspaces";
import type { Role } from "@burstflare/sdk/states";
import { QueryClient } from "@tanstack/react-query";
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { workspacesQuery } from "../../src/api/queries/workspaces";
import { DotfilesRun } from "../../src/components/DotfilesRun";
import { json, renderWithClient, resetAfterEach } from "../helpers";

function renderWith(body: unknown, role: Role = "member"): { qc: QueryClient; fetch: ReturnType<typeof vi.fn> } {
  const qc = new QueryClient();
  qc.setQueryData(workspacesQuery().queryKey, [{ id: "ws_1", name: "w", role, current: true } as unknown as Workspace]);
  const fetch = vi.fn(async () => json(200, body));
  vi.stubGlobal("fetch", fetch);
  renderWithClient(<DotfilesRun sessionId="ses_1" />, qc);
  return { qc, fetch };
}

describe("dotfiles in the startup card", () => {
  resetAfterEach();

  it("shows the last run's status and output", async () => {
    renderWith({
      run: { url: "https://x/dots.git", status: "failed", output: "fatal: could not read Username", at: "2026-01-01T00:00:00Z" },
    });
    const part = await screen.findByTestId("dotfiles-run");
    expect(part.textContent).toContain("failed");
    expect(part.textContent).toContain("fatal: could not read Username");
  });

  it("shows nothing for a session without dotfiles", async () => {
    const { qc } = renderWith({ run: null });
    await waitFor(() => expect(qc.getQueryState(["sessions", "ses_1", "dotfiles"])?.status).toBe("success"));
    expect(screen.queryByTestId("dotfiles-run")).toBeNull();
  });

  it("asks nothing and shows nothing to a viewer (the output is for those with runtime access)", async () => {
    const { qc, fetch } = renderWith(
      { run: { url: "https://x/dots.git", status: "applied", output: "ok", at: "2026-01-01T00:00:00Z" } },
      "viewer",
    );
    await waitFor(() => expect(qc.getQueryState(["sessions", "ses_1", "dotfiles"])?.fetchStatus).toBe("idle"));
    expect(fetch).not.toHaveBeenCalled();
    expect(screen.queryByTestId("dotfiles-run")).toBeNull();
  });
});
