import type { Session } from "@burstflare/sdk/schemas/sessions";
import { type Snapshot, snapshotListSchema, snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { api, createSession, expectOK } from "./api";
import { putFile } from "./snapshot-tree";
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

/**
 * A new session with saved.txt in a snapshot and unsaved.txt written after it: what a crash and
 * the restart from the last snapshot must keep and lose.
 */
export async function sessionWithUnsavedWork(user: StackUser, name: string): Promise<Session> {
  const session = await createSession(user, { name });
  await putFile(user, session.id, "saved.txt", "in the snapshot");
  await saveSnapshot(user, session.id, "before crash");
  await putFile(user, session.id, "unsaved.txt", "lost with the crash");
  return session;
}
