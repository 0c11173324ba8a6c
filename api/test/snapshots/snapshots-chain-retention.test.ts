import { describe, expect, it } from "vitest";
import type { SnapshotRecord } from "../../src/snapshots/records";
import { selectExpired } from "../../src/snapshots/retention";

function snap(id: string, createdAt: number, format: "full" | "incremental", baseId: string | null): SnapshotRecord {
  return {
    id,
    sessionId: "ses",
    workspaceId: "ws",
    kind: "autosave",
    label: null,
    status: "ready",
    r2Key: `snapshots/ws/ses/${id}.tar.gz`,
    bytes: 1,
    sha256: "0".repeat(64),
    createdBy: null,
    createdAt,
    completedAt: createdAt,
    format,
    baseId,
    encoding: "gzip;level=1",
  };
}

describe("retention of incremental chains", () => {
  it("never removes a snapshot a kept increment depends on, however old; an unneeded old chain goes", () => {
    // old chain: o0 (full) ← o1; current chain: f (full) ← i1 ← i2 ← i3 ← i4 ← i5 ← i6 (newest)
    const rows = [
      snap("o0", 1, "full", null),
      snap("o1", 2, "incremental", "o0"),
      snap("f", 3, "full", null),
      ...[1, 2, 3, 4, 5, 6].map((n) => snap(`i${n}`, 3 + n, "incremental", n === 1 ? "f" : `i${n - 1}`)),
    ];
    const expired = selectExpired(rows, { keepAutomatic: 2, keepSafety: 3, keepFailed: 5 });
    // Only the two newest are kept by count, but i6 needs i5 … f: the whole current chain stays.
    expect(expired.map((s) => s.id).sort()).toEqual(["o0", "o1"]);
  });
});
