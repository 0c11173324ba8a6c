import type { TemplateDetail, TemplateVersion } from "@burstflare/sdk/schemas/templates";
import type { BuildState } from "@burstflare/sdk/states";
import { fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { type TemplateAction, TemplateDetailPageView } from "../../../src/pages/TemplateDetailPage/TemplateDetailPageView";
import { resetAfterEach } from "../../helpers";

const at = "2026-12-01T10:00:00.000Z";

function version(label: string, build: BuildState | null, active = false): TemplateVersion {
  return {
    id: `tpv_${label}`,
    templateId: "tpl_1",
    version: label,
    manifest: { persistedPaths: ["."] },
    status: build ? "uploaded" : "awaiting_upload",
    bundleSha256: null,
    bundleBytes: build ? 2048 : null,
    createdBy: "usr_1",
    createdAt: at,
    latestBuild: build ? { id: `bld_${label}`, status: build, createdAt: at, finishedAt: null } : null,
    active,
  };
}

/** 1 is where a rollback returns, 2 is promoted, 3 is building, 4 is built and 5 awaits its upload. */
const detail: TemplateDetail = {
  template: {
    id: "tpl_1",
    workspaceId: "ws_1",
    name: "node-dev",
    description: null,
    builtin: false,
    archived: false,
    activeVersionId: "tpv_2",
    activeVersion: "2",
    previewPort: null,
    createdAt: at,
    updatedAt: at,
    archivedAt: null,
  },
  versions: [
    version("1", "succeeded"),
    version("2", "succeeded", true),
    version("3", "building"),
    version("4", "succeeded"),
    version("5", null),
  ],
  releases: [],
  buildSummary: { queued: 0, building: 1, succeeded: 3, failed: 0, retrying: 0, dead_lettered: 0 },
  storageBytes: 8192,
  rollbackTarget: { versionId: "tpv_1", version: "1" },
};

function renderView(canWrite: boolean, onAction: (a: TemplateAction) => void = () => {}) {
  render(
    <MemoryRouter>
      <TemplateDetailPageView
        detail={detail}
        loading={false}
        error={null}
        canWrite={canWrite}
        actionError={null}
        newVersion={null}
        onAction={onAction}
        onRetry={() => {}}
      />
    </MemoryRouter>,
  );
}

describe("template versions on the template's page", () => {
  resetAfterEach();

  it("offer Delete only where the server allows it: not the promoted version, the rollback target or one building", () => {
    const onAction = vi.fn();
    renderView(true, onAction);
    const deletable = screen.queryAllByRole("button", { name: /^Delete version/ }).map((b) => b.getAttribute("aria-label"));
    expect(deletable).toEqual(["Delete version 4", "Delete version 5"]);
    fireEvent.click(screen.getByRole("button", { name: "Delete version 4" }));
    expect(onAction).toHaveBeenCalledWith({ kind: "delete-version", version: detail.versions[3] });
  });

  it("offer nothing to a member who may not write templates", () => {
    renderView(false);
    expect(screen.queryAllByRole("button", { name: /^Delete version/ })).toEqual([]);
  });
});
