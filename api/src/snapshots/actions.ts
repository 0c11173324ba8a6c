import { ApiError } from "@burstflare/sdk/errors";
import type { SnapshotKind } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { chainOf } from "./chain";
import { assertSnapshotBytes, insertWithinLimits } from "./limits";
import { getChainLink, manifestKey, markFailed, markReady, pendingSnapshot, type SnapshotRecord } from "./records";
import { applyRetention } from "./retention";
import type { SnapshotChain } from "./snapshots-repo";
import { type FetchAgent, restoreSnapshot, type SessionRef, saveSnapshot } from "./store";
import { putVerified } from "./stream";
import { recordSnapshotBytes } from "./usage";

/**
 * Restores an older snapshot into a running session. The current files are saved first as a
 * `safety` snapshot, then the chosen snapshot is copied to become the restore point (so a crash
 * right after restarts from the restored state, not the replaced one), then the copy is restored.
 * If the safety save or the copy fails, no file is touched.
 */
export async function restoreWithSafety(
  env: AppBindings,
  session: SessionRef,
  snapshot: SnapshotRecord,
  fetchAgent: FetchAgent,
  createdBy: string | null,
): Promise<{ restored: SnapshotRecord; safety: SnapshotRecord }> {
  if (snapshot.status !== "ready") throw new ApiError("invalid_state", `snapshot ${snapshot.id} is ${snapshot.status}, not ready`);
  // Incremental over the restore point (only what changed since), like an autosave: the chain it
  // needs is kept by retention, and restoring it by hand restores that chain.
  const safety = await saveSnapshot(env, { session, kind: "safety", createdBy, fetchAgent, incremental: true });
  const restored = await copySnapshot(env, snapshot, session, { kind: "manual", label: restoreLabel(snapshot), createdBy });
  await restoreSnapshot(env, restored, fetchAgent);
  return { restored, safety };
}

export const restoreLabel = (snapshot: SnapshotRecord): string => `restore of ${snapshot.label ?? snapshot.id}`.slice(0, 120);

/**
 * Copies a ready snapshot to another (or the same) session as a new ready snapshot, streamed
 * R2 → R2 with the SHA-256 verified again. The copy becomes that session's restore point, so its
 * next start restores it: used to restore a stopped session and to seed a new session.
 */
export async function copySnapshot(
  env: AppBindings,
  source: SnapshotRecord,
  target: SessionRef,
  opts: { kind: SnapshotKind; label: string | null; createdBy: string | null },
): Promise<SnapshotRecord> {
  const sourceSha256 = source.sha256;
  if (source.status !== "ready" || !sourceSha256 || source.bytes == null) {
    throw new ApiError("invalid_state", `snapshot ${source.id} is ${source.status}, not ready`);
  }
  if (target.id === source.sessionId) {
    const reference = await referenceSnapshot(env, source, opts);
    if (reference) return reference;
  }
  // Refused early, before any base is copied; the row's insert below holds the limit exactly.
  await assertSnapshotBytes(env, target.workspaceId, source.bytes);
  // An increment needs its chain: within its own session the copy shares it; another session gets
  // a copy of the base (recursively) first, so retention never has to look across sessions.
  let baseId: string | null = null;
  if (source.format === "incremental") {
    const base = source.baseId ? await getChainLink(env, source.baseId) : null;
    if (!base) throw new ApiError("gone", `snapshot ${source.id} needs ${source.baseId}, which is gone`);
    baseId =
      target.id === source.sessionId
        ? base.id
        : (await copySnapshot(env, base, target, { kind: base.kind, label: null, createdBy: opts.createdBy })).id;
  }
  // The manifest is read first: what the copy will hold in R2 (archive and manifest) is then known
  // and reserved against the quota by the row's insert.
  const manifest = await env.BUCKET.get(manifestKey(source.r2Key));
  if (!manifest && source.format === "incremental") throw new ApiError("gone", `snapshot ${source.id} manifest is missing`);
  const manifestBody = manifest ? encodeManifest({ ...(await manifest.json<Record<string, unknown>>()), baseId }) : null;
  const record = pendingSnapshot(target, opts, { format: source.format, baseId, encoding: source.encoding });
  const stored = source.bytes + (manifestBody?.byteLength ?? 0);
  return storeCopy(env, record, stored, async () => {
    const object = await env.BUCKET.get(source.r2Key);
    if (!object) throw new ApiError("gone", `snapshot ${source.id} content is missing`);
    // The copy keeps the source's metadata (how it is compressed).
    const uploaded = await putVerified(env.BUCKET, record.r2Key, object.body, object.size, sourceSha256, object.customMetadata);
    if (manifestBody) await putManifest(env, record, manifestBody);
    return uploaded;
  });
}

const encodeManifest = (manifest: Record<string, unknown>): Uint8Array => new TextEncoder().encode(JSON.stringify(manifest));

async function putManifest(env: AppBindings, record: SnapshotRecord, body: Uint8Array): Promise<void> {
  await env.BUCKET.put(manifestKey(record.r2Key), body, { httpMetadata: { contentType: "application/json" } });
}

/**
 * The one way a copy is stored: `record` is inserted pending within the snapshot limits, holding
 * `stored` bytes (its archive and manifest, which the quota counts from then on), `write` puts
 * them and says what the archive holds, and the row becomes ready (its session's retention and
 * usage then run). On any failure what was written is removed and the row marked failed.
 */
async function storeCopy(
  env: AppBindings,
  record: SnapshotRecord,
  stored: number,
  write: () => Promise<{ bytes: number; sha256: string }>,
  chain?: SnapshotChain,
): Promise<SnapshotRecord> {
  await insertWithinLimits(env, record, stored);
  try {
    const { bytes, sha256 } = await write();
    const completedAt = now();
    if (!(await markReady(env, record.id, { bytes, sha256, completedAt, chain }))) {
      throw new ApiError("conflict", "snapshot copy was cancelled");
    }
    const sessionId = record.sessionId;
    await applyRetention(env, sessionId).catch((err) => log("error", "snapshot retention failed", { error: String(err) }));
    await recordSnapshotBytes(env, sessionId).catch((err) => log("error", "snapshot usage failed", { error: String(err) }));
    return { ...record, status: "ready", bytes, sha256, completedAt };
  } catch (err) {
    await env.BUCKET.delete([record.r2Key, manifestKey(record.r2Key)]).catch(() => {});
    await markFailed(env, record.id, now());
    if (err instanceof ApiError) throw err;
    throw new ApiError("internal", `snapshot copy failed: ${String(err)}`);
  }
}

/** gzip (level 1) of an empty tar (two zero blocks): the archive of an increment that changes nothing. */
const EMPTY_INCREMENT = Uint8Array.from(atob("H4sIAAAAAAAEA2NgGAWjITAaAiM1BAAur7XvAAQAAA=="), (c) => c.charCodeAt(0));
const EMPTY_INCREMENT_SHA256 = "11fcd2721aa3ac2a86b4da9743dbb704d1a35525d2ae5b5e0eeb327251fbe874";
/** A reference adds one link; past this the copy is a real one (the agent takes at most 64 links). */
const MAX_REFERENCE_CHAIN = 32;

/**
 * Within one session a copy need not move the bytes: the new snapshot is an increment over the
 * source that changes nothing (an empty archive, the source's manifest, no deletions), so its chain
 * restores exactly the source's tree. The source then stays as long as the copy needs it: retention
 * keeps every link of a kept chain and reconcile purges a deleted snapshot only once no row names it
 * as its base (docs/snapshots.md). Null when the source has no manifest or a long chain: copy then.
 */
async function referenceSnapshot(
  env: AppBindings,
  source: SnapshotRecord,
  opts: { kind: SnapshotKind; label: string | null; createdBy: string | null },
): Promise<SnapshotRecord | null> {
  const manifest = await env.BUCKET.get(manifestKey(source.r2Key));
  if (!manifest) return null;
  const chain = await chainOf(env, source).catch(() => null);
  if (!chain || chain.length >= MAX_REFERENCE_CHAIN) {
    await manifest.body.cancel().catch(() => {});
    return null;
  }
  const chainFields: SnapshotChain = { format: "incremental", baseId: source.id, encoding: "gzip;level=1" };
  const body = encodeManifest({
    ...(await manifest.json<Record<string, unknown>>()),
    format: "incremental",
    baseId: source.id,
    deleted: [],
  });
  const record = pendingSnapshot({ id: source.sessionId, workspaceId: source.workspaceId }, opts, chainFields);
  // The archive is 31 bytes, but the manifest is a whole copy of the source's (up to 64 MB): both count.
  return storeCopy(
    env,
    record,
    EMPTY_INCREMENT.length + body.byteLength,
    async () => {
      await env.BUCKET.put(record.r2Key, EMPTY_INCREMENT, { sha256: EMPTY_INCREMENT_SHA256, customMetadata: { encoding: "gzip;level=1" } });
      await putManifest(env, record, body);
      return { bytes: EMPTY_INCREMENT.length, sha256: EMPTY_INCREMENT_SHA256 };
    },
    chainFields,
  );
}
