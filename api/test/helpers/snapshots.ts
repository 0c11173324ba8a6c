import { env } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { planSchema } from "@burstflare/sdk/schemas/workspaces";
import type { SessionState, SnapshotKind } from "@burstflare/sdk/states";
import { expect } from "vitest";
import { newId, sha256Hex } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { findSession, insertSessionRow, writeLifecycle } from "../../src/sessions/sessions-repo";
import { snapshotKey } from "../../src/snapshots/records";
import { insertPendingSnapshot, markSnapshotFailed, markSnapshotReady } from "../../src/snapshots/snapshots-repo";
import { operatorUser } from "./operator";
import { call } from "./users";

/**
 * A session row for routes that need no runtime (of `template`'s version when given; created at
 * `createdAt`, default now): inserted as creating a session does, then moved to `state` as the
 * Session DO's mirror of a transition writes it.
 */
export async function insertTestSession(
  workspaceId: string,
  ownerId: string,
  state: SessionState = "stopped",
  opts: { template?: { templateId: string; versionId: string | null }; createdAt?: number } = {},
): Promise<string> {
  const id = newId("ses");
  const t = opts.createdAt ?? Date.now();
  const db = dbOf(env);
  const name = `s-${id
    .slice(4, 12)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}`;
  const config = { manifest: { persistedPaths: ["."] }, artifactKey: null, bundleKey: null };
  if (
    !(await insertSessionRow(
      db,
      {
        id,
        workspaceId,
        ownerId,
        name,
        templateId: opts.template?.templateId ?? null,
        versionId: opts.template?.versionId ?? null,
        // Any template row, deleted ones too: tests set up what a fork or a restore may leave.
        requireLiveTemplate: false,
        startOnIntent: false,
        config,
        at: t,
      },
      Number.MAX_SAFE_INTEGER,
    ))
  ) {
    throw new Error(`session name ${name} taken`);
  }
  await setTestSessionLifecycle(id, state, {}, t);
  return id;
}

/**
 * Moves a session row to `state` as the Session DO's mirror of a transition writes it (the next
 * state_version), with the failure reason and last activity given; "deleted" stamps deleted_at.
 * Only for rows no DO drives (insertTestSession's), or to stand in for a transition the test cannot run.
 */
export async function setTestSessionLifecycle(
  sessionId: string,
  state: SessionState,
  fields: { failureReason?: string | null; lastActiveAt?: number | null } = {},
  at = Date.now(),
): Promise<void> {
  const db = dbOf(env);
  const current = await findSession(db, sessionId);
  if (!current) throw new Error(`no session ${sessionId}`);
  const lifecycle = {
    state,
    stateVersion: current.stateVersion + 1,
    runtimeStatus: null,
    runtimeState: null,
    lastBootstrapAt: null,
    lastLifecyclePhase: null,
    failureReason: fields.failureReason ?? null,
    lastActiveAt: fields.lastActiveAt ?? null,
  };
  if (!(await writeLifecycle(db, sessionId, lifecycle, at))) throw new Error(`session ${sessionId} lifecycle not written`);
}

/**
 * A stored snapshot as the product records one: a pending row, then (for ready) the R2 object
 * and the finished upload's mark, or (for failed) the failed upload's.
 */
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
  const t = opts.createdAt ?? Date.now();
  const db = dbOf(env);
  await insertPendingSnapshot(db, {
    id,
    sessionId,
    workspaceId,
    kind: opts.kind ?? "manual",
    label: opts.label ?? null,
    status: "pending",
    r2Key: key,
    bytes: null,
    sha256: null,
    createdBy: null,
    createdAt: t,
    completedAt: null,
    format: "full",
    baseId: null,
    encoding: null,
  });
  if (status === "ready") {
    await env.BUCKET.put(key, bytes, { sha256 });
    await markSnapshotReady(db, id, { bytes: bytes.byteLength, sha256, completedAt: t });
  } else if (status === "failed") {
    await markSnapshotFailed(db, id, t);
  }
  return { id, key, bytes, sha256 };
}

/** Sets the workspace's snapshotBytes limit as an operator does; answers the usage then. */
export async function setSnapshotQuota(workspaceId: string, bytes: number): Promise<number> {
  const operator = await operatorUser();
  const res = await call("PUT", `/api/admin/workspaces/${workspaceId}/quota-overrides`, {
    user: operator,
    body: { overrides: { snapshotBytes: bytes } },
  });
  expect(res.status).toBe(200);
  return planSchema.parse(await res.json()).usage.snapshotBytes;
}

/** Every byte R2 holds for the session's snapshots (archives and manifests). */
export async function r2Bytes(workspaceId: string, sessionId: string): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await env.BUCKET.list({ prefix: `snapshots/${workspaceId}/${sessionId}/`, cursor });
    total += page.objects.reduce((sum, o) => sum + o.size, 0);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return total;
}

/** Expects a 403 quota_exceeded naming `limit`; answers the error. */
export async function expectQuotaRefusal(res: Response, limit: string): Promise<ErrorBody["error"]> {
  expect(res.status).toBe(403);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe("quota_exceeded");
  expect(body.error.details).toMatchObject({ limit });
  return body.error;
}
