import { ApiError } from "@burstflare/sdk/errors";
import { SHA256_HEADER, SNAPSHOT_ENCODING_HEADER } from "@burstflare/sdk/protocol/agent";
import type { SnapshotKind } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { bodySnippet } from "../lib/bounded-body";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { chainOf, planNext, prepareManifest, restoreChain } from "./chain";
import { assertSnapshotBytes, insertWithinLimits } from "./limits";
import { latestReady, manifestKey, markDeleted, markFailed, markReady, pendingSnapshot, type SnapshotRecord } from "./records";
import { applyRetention } from "./retention";
import { deleteSnapshotRowNow, type PermanentDeleteBlock } from "./snapshots-repo";
import { hex, putStreamed, putVerified, SHA256_HEX } from "./stream";
import { recordSnapshotBytes } from "./usage";

export type { SnapshotRecord } from "./records";

/** Sends one request to the session's runtime agent (the Session DO supplies it). */
export type FetchAgent = (path: string, init: RequestInit) => Promise<Response>;

export interface SessionRef {
  id: string;
  workspaceId: string;
}

interface SaveSnapshotOptions {
  session: SessionRef;
  kind: SnapshotKind;
  label?: string;
  createdBy?: string | null;
  fetchAgent: FetchAgent;
  /**
   * An export the caller already opened (autosave opens it to compare hashes first).
   * Without it, saveSnapshot asks the agent for one.
   */
  exportResponse?: Response;
  /** May ship only what changed since the restore point (automatic snapshots; see chain.ts). */
  incremental?: boolean;
  /** Stored gzip blocks instead of level 1: for a fork, whose snapshot is restored once, right away. */
  uncompressed?: boolean;
}

/** The most a streamed snapshot may hold (the agent's own import limit). */
const MAX_SNAPSHOT_BYTES = 20 * 1024 ** 3;

/**
 * An opened export. Streamed (`?stream=1`, the default): no length or hash up front, `encoding`
 * says how it is compressed. An agent without streaming answers the old way: length and SHA-256
 * in headers, archived to a temp file before the first byte.
 */
interface OpenedExport {
  response: Response;
  sha256: string | null;
  bytes: number | null;
  encoding: string | null;
}

function readExport(response: Response): OpenedExport | null {
  if (!response.ok || !response.body) return null;
  const encoding = response.headers.get(SNAPSHOT_ENCODING_HEADER);
  if (encoding && /^gzip;level=\d$/.test(encoding)) return { response, sha256: null, bytes: null, encoding };
  const sha256 = response.headers.get(SHA256_HEADER)?.toLowerCase() ?? "";
  const bytes = Number(response.headers.get("content-length") ?? Number.NaN);
  if (!SHA256_HEX.test(sha256) || !Number.isSafeInteger(bytes) || bytes <= 0) return null;
  return { response, sha256, bytes, encoding: null };
}

/** Opens the agent's export (streamed) and checks its headers; the body is not read. */
export async function openExport(fetchAgent: FetchAgent, opts: { uncompressed?: boolean } = {}): Promise<OpenedExport> {
  let response: Response;
  try {
    response = await fetchAgent(`/snapshot/export?stream=1${opts.uncompressed ? "&level=0" : ""}`, { method: "POST" });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError("runtime_unavailable", `snapshot export failed: ${String(err)}`);
  }
  const opened = readExport(response);
  if (!opened) {
    await response.body?.cancel().catch(() => {});
    throw new ApiError("runtime_unavailable", `agent export answered ${response.status} without a usable archive`);
  }
  return opened;
}

/**
 * Streams the agent's archive into R2 and returns the ready record. The row is `pending` while
 * bytes flow and becomes `ready` (the new restore point) only once R2 holds the whole object and
 * its SHA-256 matched. Any failure marks the row `failed`, removes the partial object and throws,
 * leaving the previous restore point untouched.
 */
export async function saveSnapshot(env: AppBindings, opts: SaveSnapshotOptions): Promise<SnapshotRecord> {
  const record = pendingSnapshot(
    opts.session,
    { kind: opts.kind, label: opts.label ?? null, createdBy: opts.createdBy ?? null },
    { format: "full", baseId: null, encoding: null },
  );
  const id = record.id;
  await insertWithinLimits(env, record, null);
  let opened: OpenedExport | null = null;
  let manifest: string | null = null;
  try {
    if (!opts.exportResponse) {
      // The manifest (taken first: a file written meanwhile is shipped again next time) lets the
      // next automatic snapshot ship only what changed; an agent without one gets full saves.
      const plan = await planNext(env, await latestReady(env, record.sessionId), opts.incremental === true);
      const prepared = await prepareManifest(opts.fetchAgent, plan.baseManifest);
      if (prepared) {
        const incremental = plan.incrementalOver !== null;
        if (incremental) {
          record.format = "incremental";
          record.baseId = plan.incrementalOver?.id ?? null;
        }
        manifest = JSON.stringify({
          ...prepared.manifest,
          format: record.format,
          baseId: record.baseId,
          deleted: incremental ? prepared.deleted : [],
        });
        if (incremental) opts = { ...opts, exportResponse: await openDelta(opts.fetchAgent, prepared.token) };
      }
    }
    if (opts.exportResponse) {
      opened = readExport(opts.exportResponse);
      if (!opened) throw new ApiError("runtime_unavailable", "agent export without a usable archive");
    } else {
      opened = await openExport(opts.fetchAgent, { uncompressed: opts.uncompressed });
    }
    // A flush on stop or sleep, or a safety copy before a restore, holds the only copy of the
    // user's work: it is stored even over quota. Manual and autosave snapshots are refused: before
    // the upload when the size is known, else when the workspace is already at its limit, and
    // again with the real size once the stream ended (the object is then removed).
    const quotaChecked = opts.kind === "manual" || opts.kind === "autosave";
    if (quotaChecked) await assertSnapshotBytes(env, opts.session.workspaceId, opened.bytes ?? 1);
    const body = opened.response.body as ReadableStream<Uint8Array>;
    const uploaded =
      opened.sha256 !== null && opened.bytes !== null
        ? await putVerified(env.BUCKET, record.r2Key, body, opened.bytes, opened.sha256)
        : await putStreamed(env.BUCKET, record.r2Key, body, {
            maxBytes: MAX_SNAPSHOT_BYTES,
            customMetadata: { encoding: opened.encoding ?? "gzip" },
          });
    if (quotaChecked && opened.bytes === null) await assertSnapshotBytes(env, opts.session.workspaceId, uploaded.bytes);
    const stored =
      manifest === null
        ? null
        : await env.BUCKET.put(manifestKey(record.r2Key), manifest, { httpMetadata: { contentType: "application/json" } });
    record.encoding = opened.encoding;
    const completedAt = now();
    const chain = { format: record.format, baseId: record.baseId, encoding: record.encoding };
    // The quota counts what R2 holds for the save: its archive and the manifest beside it.
    const storedBytes = uploaded.bytes + (stored?.size ?? 0);
    if (!(await markReady(env, id, { bytes: uploaded.bytes, sha256: uploaded.sha256, completedAt, chain, storedBytes }))) {
      throw new ApiError("conflict", "snapshot was cancelled while uploading");
    }
    const ready: SnapshotRecord = { ...record, status: "ready", bytes: uploaded.bytes, sha256: uploaded.sha256, completedAt };
    await afterChange(env, ready.sessionId);
    log("info", "snapshot ready", {
      snapshotId: id,
      sessionId: record.sessionId,
      kind: record.kind,
      format: record.format,
      bytes: uploaded.bytes,
    });
    return ready;
  } catch (err) {
    await opened?.response.body?.cancel().catch(() => {});
    await env.BUCKET.delete([record.r2Key, manifestKey(record.r2Key)]).catch(() => {});
    await markFailed(env, id, now());
    log("warn", "snapshot failed", { snapshotId: id, sessionId: record.sessionId, kind: record.kind, error: String(err) });
    if (err instanceof ApiError) {
      const details = typeof err.details === "object" && err.details !== null ? err.details : {};
      throw new ApiError(err.code, err.message, { details: { ...details, snapshotId: id } });
    }
    throw new ApiError("runtime_unavailable", `snapshot upload failed: ${String(err)}`, { details: { snapshotId: id } });
  }
}

/** The session's restore point: its newest snapshot whose upload completed and verified. */
export function latestReadySnapshot(env: AppBindings, sessionId: string): Promise<SnapshotRecord | null> {
  return latestReady(env, sessionId);
}

/**
 * Streams a ready snapshot from R2 into the agent. The SHA-256 recorded when the upload verified
 * is checked against R2's own checksum and size first, and the agent verifies it again over the
 * bytes it receives before it touches a file.
 */
export async function restoreSnapshot(env: AppBindings, snapshot: SnapshotRecord, fetchAgent: FetchAgent): Promise<void> {
  if (snapshot.status !== "ready" || !snapshot.sha256 || snapshot.bytes == null) {
    throw new ApiError("invalid_state", `snapshot ${snapshot.id} is ${snapshot.status}, not ready`);
  }
  if (snapshot.format === "incremental") {
    const res = await restoreChain(env, await chainOf(env, snapshot), fetchAgent).catch((err) => {
      if (err instanceof ApiError) throw err;
      throw new ApiError("runtime_unavailable", `snapshot import failed: ${String(err)}`);
    });
    return settleImport(res, snapshot);
  }
  const object = await env.BUCKET.get(snapshot.r2Key);
  if (!object) throw new ApiError("gone", `snapshot ${snapshot.id} content is missing`);
  const stored = object.checksums.sha256 ? hex(object.checksums.sha256) : null;
  if (object.size !== snapshot.bytes || (stored !== null && stored !== snapshot.sha256)) {
    await object.body.cancel().catch(() => {});
    throw new ApiError("unsafe_archive", `snapshot ${snapshot.id} content does not match its recorded size or sha256`);
  }
  let res: Response;
  try {
    res = await fetchAgent(`/snapshot/import?sha256=${snapshot.sha256}`, {
      method: "POST",
      body: object.body,
      headers: { "content-type": "application/gzip", "content-length": String(object.size) },
    });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError("runtime_unavailable", `snapshot import failed: ${String(err)}`);
  }
  return settleImport(res, snapshot);
}

async function settleImport(res: Response, snapshot: SnapshotRecord): Promise<void> {
  if (!res.ok) {
    const text = await bodySnippet(res);
    const code = res.status === 400 || res.status === 422 ? "unsafe_archive" : "runtime_unavailable";
    throw new ApiError(code, `agent refused snapshot ${snapshot.id}: ${res.status} ${text.slice(0, 300)}`);
  }
  await res.body?.cancel().catch(() => {});
}

/** Opens the agent's incremental archive for a prepared manifest. */
async function openDelta(fetchAgent: FetchAgent, token: string): Promise<Response> {
  try {
    return await fetchAgent(`/snapshot/export?stream=1&delta=${encodeURIComponent(token)}`, { method: "POST" });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError("runtime_unavailable", `snapshot export failed: ${String(err)}`);
  }
}

/**
 * Hides the snapshot; its object stays for the retention window so an operator can restore it,
 * and reconcile purges object and row afterwards (api/src/reconcile/purge.ts).
 */
export async function deleteSnapshot(env: AppBindings, snapshot: SnapshotRecord): Promise<void> {
  await markDeleted(env, snapshot.id, now());
  await afterChange(env, snapshot.sessionId);
}

const BLOCKED: Record<PermanentDeleteBlock, string> = {
  pending: "snapshot is still uploading",
  restorePoint: "snapshot is the session's restore point; save or restore another one first",
  base: "another snapshot (hidden ones too) is built on this one; delete that one permanently first",
};

/**
 * Removes a snapshot for good, live or already deleted (emptying the trash): the row first, in one
 * statement that refuses a pending upload, the restore point and a chain base still named (409), then its
 * objects. A blocked row stays, and keeps counting against the quota.
 */
export async function deleteSnapshotNow(env: AppBindings, snapshot: SnapshotRecord): Promise<void> {
  const blocked = await deleteSnapshotRowNow(dbOf(env), snapshot.sessionId, snapshot.id);
  if (blocked === "missing") throw notFound("snapshot");
  if (blocked) throw new ApiError("conflict", BLOCKED[blocked], { details: { reason: blocked } });
  // Were this to fail, the orphan sweep removes objects that no row names.
  await env.BUCKET.delete([snapshot.r2Key, manifestKey(snapshot.r2Key)]);
  await afterChange(env, snapshot.sessionId);
}

/** Retention and the usage gauge follow every stored or removed snapshot; neither may fail the caller. */
async function afterChange(env: AppBindings, sessionId: string): Promise<void> {
  try {
    await applyRetention(env, sessionId);
    await recordSnapshotBytes(env, sessionId);
  } catch (err) {
    log("error", "snapshot retention or usage failed", { sessionId, error: String(err) });
  }
}
