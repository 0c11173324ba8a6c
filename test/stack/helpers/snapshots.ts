import { type Snapshot, snapshotListSchema, snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { api, expectOK } from "./api";
import type { StackUser } from "./users";

/** Saves a manual snapshot of the session (201) and returns it as the contract describes it. */
export async function saveSnapshot(user: StackUser, sessionId: string, label: string): Promise<Snapshot> {
  return snapshotSchema.parse(
    await expectOK(await api(user, "POST /api/sessions/{sessionId}/snapshots", { params: { sessionId }, body: { label } }), 201),
  );
}

/** The session's snapshots, newest first, as the API lists them. */
export async function listSnapshots(user: StackUser, sessionId: string): Promise<Snapshot[]> {
  return snapshotListSchema.parse(await expectOK(await api(user, "GET /api/sessions/{sessionId}/snapshots", { params: { sessionId } })))
    .snapshots;
}
