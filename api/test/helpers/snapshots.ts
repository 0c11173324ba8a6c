import { env } from "cloudflare:workers";
import type { SessionState, SnapshotKind } from "@burstflare/sdk/states";
import { newId, sha256Hex } from "../../src/lib/crypto";
import { snapshotKey } from "../../src/snapshots/records";

/** A sessions row written straight to D1, for snapshot routes that need no runtime. */
export async function insertTestSession(workspaceId: string, ownerId: string, state: SessionState = "stopped"): Promise<string> {
  const id = newId("ses");
  const t = Date.now();
  await env.DB.prepare(
    `INSERT INTO sessions (id, workspace_id, owner_id, name, state, state_version, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
  )
    .bind(
      id,
      workspaceId,
      ownerId,
      `s-${id
        .slice(4, 12)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "x")}`,
      state,
      t,
      t,
    )
    .run();
  return id;
}

/** A stored snapshot (R2 object + ready row) as a finished upload leaves it. */
export async function insertReadySnapshot(
  workspaceId: string,
  sessionId: string,
  opts: {
    kind?: SnapshotKind;
    label?: string | null;
    bytes?: Uint8Array;
    createdAt?: number;
    status?: "ready" | "failed" | "pending";
  } = {},
): Promise<{ id: string; key: string; bytes: Uint8Array; sha256: string }> {
  const id = newId("snap");
  const key = snapshotKey(workspaceId, sessionId, id);
  const bytes = opts.bytes ?? crypto.getRandomValues(new Uint8Array(2048));
  const sha256 = await sha256Hex(bytes);
  const status = opts.status ?? "ready";
  if (status === "ready") await env.BUCKET.put(key, bytes, { sha256 });
  const t = opts.createdAt ?? Date.now();
  await env.DB.prepare(
    `INSERT INTO snapshots (id, session_id, workspace_id, kind, label, status, r2_key, bytes, sha256, created_by, created_at, completed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
  )
    .bind(
      id,
      sessionId,
      workspaceId,
      opts.kind ?? "manual",
      opts.label ?? null,
      status,
      key,
      status === "ready" ? bytes.byteLength : null,
      status === "ready" ? sha256 : null,
      t,
      status === "pending" ? null : t,
    )
    .run();
  return { id, key, bytes, sha256 };
}
