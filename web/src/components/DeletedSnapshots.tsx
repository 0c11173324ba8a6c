import type { DeletedSnapshotBytes, Snapshot } from "@burstflare/sdk/schemas/snapshots";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { deletedSnapshotListQuery, useDeleteSnapshot } from "../api/queries/snapshots";
import { formatBytes } from "./bytes";
import { ConfirmDialog } from "./ConfirmDialog";
import { formatDateTime, timeAgo } from "./time";

interface Props {
  sessionId: string;
  /** What the workspace's deleted snapshots hold, from the session's snapshot list. */
  held: DeletedSnapshotBytes;
  canWrite: boolean;
}

/**
 * What deleted snapshots still hold against the workspace's snapshot storage, and this session's
 * deleted snapshots, each of which can be deleted permanently to free it now (a deleted snapshot
 * keeps its archive, and counts, for the operator restore window).
 */
export function DeletedSnapshots({ sessionId, held, canWrite }: Props) {
  const [shown, setShown] = useState(false);
  const [purging, setPurging] = useState<Snapshot | null>(null);
  const list = useQuery({ ...deletedSnapshotListQuery(sessionId), enabled: shown });
  const remove = useDeleteSnapshot(sessionId);
  return (
    <div className="stack" style={{ gap: "0.4rem" }}>
      <p className="muted small" data-testid="deleted-snapshot-bytes">
        Deleted snapshots in this workspace hold {formatBytes(held.bytes)} of snapshot storage until they are purged
        {held.purgeAfter ? ` (by ${formatDateTime(held.purgeAfter)})` : ""}; delete them permanently to free it now.{" "}
        <button type="button" className="btn btn-ghost btn-sm" aria-expanded={shown} onClick={() => setShown(!shown)}>
          {shown ? "Hide" : "Show"} this session's deleted snapshots
        </button>
      </p>
      {shown && (
        <ul className="account-list" data-testid="deleted-snapshots">
          {list.data?.length === 0 && <li className="muted small">None: the bytes above are other sessions'.</li>}
          {list.data?.map((s) => (
            <li key={s.id} className="account-row" data-snapshot-id={s.id}>
              <span style={{ flex: 1 }}>
                {s.label ?? s.kind} <span className="muted small">taken {timeAgo(s.createdAt)}</span>
              </span>
              <span className="small">{s.bytes != null ? formatBytes(s.bytes) : "—"}</span>
              {canWrite && (
                <button type="button" className="btn btn-danger btn-sm" disabled={remove.isPending} onClick={() => setPurging(s)}>
                  Delete permanently
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={purging !== null}
        title="Delete this snapshot permanently?"
        confirmLabel="Delete permanently"
        danger
        onConfirm={() => {
          if (purging) remove.mutate({ snapshotId: purging.id, permanent: true });
          setPurging(null);
        }}
        onCancel={() => setPurging(null)}
      >
        Its archive is removed now and its storage freed; an operator can no longer restore it.
      </ConfirmDialog>
    </div>
  );
}
