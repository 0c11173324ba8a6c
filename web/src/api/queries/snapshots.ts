import type { Session } from "@burstflare/sdk/schemas/sessions";
import type { DeletedSnapshotBytes, RestoreIntoNewSessionBody, Snapshot } from "@burstflare/sdk/schemas/snapshots";
import { restoreSnapshotResult, snapshotListSchema, snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { client, returns } from "../client";
import { sessionListQuery } from "./list";
import { useRefetchingMutation } from "./mutation";
import { sessionKeys } from "./sessions";

export const snapshotKeys = {
  all: ["snapshots"] as const,
  list: (sessionId: string) => ["snapshots", "list", sessionId] as const,
};

const base = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}/snapshots`;

/** Same-origin download path of a snapshot archive (the cookie authenticates it). */
export const snapshotContentURL = (sessionId: string, snapshotId: string) => `${base(sessionId)}/${encodeURIComponent(snapshotId)}/content`;

export const snapshotsQuery = (sessionId: string) =>
  queryOptions({
    ...sessionListQuery<Snapshot>(snapshotKeys.list(sessionId), "GET /api/sessions/{sessionId}/snapshots", sessionId, "snapshots"),
    // A pending upload finishes on its own; poll while one is shown.
    refetchInterval: (query) => (query.state.data?.some((s) => s.status === "pending") ? 2_000 : 30_000),
  });

/**
 * What the workspace's deleted snapshots still hold until purged (from the same list answer); under
 * the list's key, so whatever refreshes the list refreshes it.
 */
export const deletedSnapshotsQuery = (sessionId: string) =>
  queryOptions({
    queryKey: [...snapshotKeys.list(sessionId), "deleted"] as const,
    queryFn: async (): Promise<DeletedSnapshotBytes | null> =>
      (await client.call("GET /api/sessions/{sessionId}/snapshots", { params: { sessionId }, schema: snapshotListSchema })).deleted ?? null,
  });

/** The session's deleted snapshots not yet purged (they still count), for deleting them permanently. */
export const deletedSnapshotListQuery = (sessionId: string) =>
  queryOptions({
    queryKey: [...snapshotKeys.list(sessionId), "deleted-list"] as const,
    queryFn: async (): Promise<Snapshot[]> =>
      (
        await client.call("GET /api/sessions/{sessionId}/snapshots", {
          params: { sessionId },
          query: { deleted: "true" },
          schema: snapshotListSchema,
        })
      ).snapshots,
  });

export function useCreateSnapshot(sessionId: string) {
  return useRefetchingMutation(
    (label: string | undefined) =>
      client.call("POST /api/sessions/{sessionId}/snapshots", {
        params: { sessionId },
        body: label ? { label } : {},
        schema: snapshotSchema,
      }),
    snapshotKeys.list(sessionId),
  );
}

export function useRestoreSnapshot(sessionId: string) {
  return useRefetchingMutation(
    (snapshotId: string) =>
      client.call("POST /api/sessions/{sessionId}/snapshots/{snapshotId}/restore", {
        params: { sessionId, snapshotId },
        body: {},
        schema: restoreSnapshotResult,
      }),
    snapshotKeys.list(sessionId),
  );
}

export function useDeleteSnapshot(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    // `permanent`: removed with its archive now, instead of kept (and counted) for the operator restore window.
    mutationFn: ({ snapshotId, permanent }: { snapshotId: string; permanent: boolean }) =>
      client.call("DELETE /api/sessions/{sessionId}/snapshots/{snapshotId}", {
        params: { sessionId, snapshotId },
        query: permanent ? { permanent: "true" } : {},
        returns: returns<{ ok: true }>(),
      }),
    onMutate: async ({ snapshotId }) => {
      await qc.cancelQueries({ queryKey: snapshotKeys.list(sessionId) });
      const previous = qc.getQueryData<Snapshot[]>(snapshotKeys.list(sessionId));
      qc.setQueryData<Snapshot[]>(snapshotKeys.list(sessionId), (list) => list?.filter((s) => s.id !== snapshotId));
      return { previous };
    },
    onError: (_err, _id, context) => qc.setQueryData(snapshotKeys.list(sessionId), context?.previous),
    onSettled: () => qc.invalidateQueries({ queryKey: snapshotKeys.list(sessionId) }),
  });
}

/** Creates a new session whose first start restores the snapshot. */
export function useRestoreIntoNewSession(sessionId: string) {
  return useRefetchingMutation(
    ({ snapshotId, ...body }: RestoreIntoNewSessionBody & { snapshotId: string }) =>
      client.call("POST /api/sessions/{sessionId}/snapshots/{snapshotId}/new-session", {
        params: { sessionId, snapshotId },
        body,
        returns: returns<{ session: Session; snapshot: Snapshot }>(),
      }),
    sessionKeys.all,
  );
}
