import { ApiError } from "@burstflare/sdk/errors";
import { z } from "zod";
import type { AppBindings } from "../env";
import { boundedJSON } from "../lib/bounded-body";
import { log } from "../lib/log";
import { getChainLink, manifestKey, type SnapshotRecord } from "./records";
import { hex } from "./stream";

/** Increments after a full snapshot before the next automatic snapshot is a full one again. */
const MAX_CHAIN_INCREMENTS = 8;
/** Links a chain may hold at all (the agent refuses more). */
const MAX_CHAIN_LINKS = 64;

/** A manifest of a few hundred thousand files; the runtime host takes up to 256 MiB of them. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** What the agent's `POST /snapshot/manifest` answers. */
const prepared = z.object({
  token: z.string(),
  manifest: z.object({ version: z.literal(1), entries: z.array(z.unknown()) }),
  deleted: z.array(z.string()),
  changed: z.number(),
  changedBytes: z.number(),
});
type PreparedManifest = z.infer<typeof prepared>;

type FetchAgent = (path: string, init: RequestInit) => Promise<Response>;

/** The chain a snapshot restores from: its full base first, the snapshot itself last. */
export async function chainOf(env: AppBindings, snapshot: SnapshotRecord): Promise<SnapshotRecord[]> {
  const chain = [snapshot];
  let first = snapshot;
  while (first.format === "incremental") {
    if (!first.baseId || chain.length >= MAX_CHAIN_LINKS) throw new ApiError("gone", `snapshot ${snapshot.id} has a broken chain`);
    const base = await getChainLink(env, first.baseId);
    if (!base) throw new ApiError("gone", `snapshot ${snapshot.id} needs ${first.baseId}, which is gone`);
    chain.unshift(base);
    first = base;
  }
  return chain;
}

/**
 * How the next automatic snapshot after `latest` is stored: incremental over it while its chain is
 * short and its increments together stay smaller than the base, full otherwise. Either way the
 * latest manifest (when stored) goes to the agent as its hash cache.
 */
export async function planNext(
  env: AppBindings,
  latest: SnapshotRecord | null,
  allowIncremental: boolean,
): Promise<{ baseManifest: string | null; incrementalOver: SnapshotRecord | null }> {
  if (!latest) return { baseManifest: null, incrementalOver: null };
  const object = await env.BUCKET.get(manifestKey(latest.r2Key));
  if (!object) return { baseManifest: null, incrementalOver: null };
  const baseManifest = await object.text();
  if (!allowIncremental) return { baseManifest, incrementalOver: null };
  const chain = await chainOf(env, latest).catch(() => null);
  if (!chain) return { baseManifest, incrementalOver: null };
  const incrementBytes = chain.slice(1).reduce((sum, s) => sum + (s.bytes ?? 0), 0);
  const short = chain.length - 1 < MAX_CHAIN_INCREMENTS && incrementBytes < (chain[0]?.bytes ?? 0);
  return { baseManifest, incrementalOver: short ? latest : null };
}

/** Asks the agent for the current manifest (null: an agent without manifests, or an unreadable one; the save is full). */
export async function prepareManifest(fetchAgent: FetchAgent, baseManifest: string | null): Promise<PreparedManifest | null> {
  const res = await fetchAgent("/snapshot/manifest", {
    method: "POST",
    body: baseManifest ?? "",
    headers: { "content-type": "application/json" },
  });
  if (res.status === 404) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  if (!res.ok) throw new ApiError("runtime_unavailable", `agent manifest answered ${res.status}`);
  const parsed = prepared.safeParse(await boundedJSON(res, MAX_MANIFEST_BYTES).catch(() => null));
  if (parsed.success) return parsed.data;
  // A manifest past the bound (a workspace of many hundred thousand files) or one that does not
  // parse only costs the increment: the save is full, and a stop or sleep never fails for it.
  log("warn", "agent manifest unreadable or over the bound; saving in full", { maxBytes: MAX_MANIFEST_BYTES });
  return null;
}

/**
 * Streams a chain into the agent's `POST /snapshot/import-chain`: a header naming every archive's
 * size, SHA-256 and the deletions before it, then the archives from R2 in order. Every object's
 * size (and R2 checksum when it has one) is checked before the first byte goes out.
 */
export async function restoreChain(env: AppBindings, chain: SnapshotRecord[], fetchAgent: FetchAgent): Promise<Response> {
  const steps: { sha256: string; bytes: number; deleted: string[] }[] = [];
  for (const link of chain) {
    const head = await env.BUCKET.head(link.r2Key);
    const stored = head?.checksums.sha256 ? hex(head.checksums.sha256) : null;
    if (!head || head.size !== link.bytes || !link.sha256 || (stored !== null && stored !== link.sha256)) {
      throw new ApiError(head ? "unsafe_archive" : "gone", `snapshot ${link.id} content is missing or does not match its record`);
    }
    let deleted: string[] = [];
    if (link.format === "incremental") {
      const manifest = await env.BUCKET.get(manifestKey(link.r2Key));
      if (!manifest) throw new ApiError("gone", `snapshot ${link.id} manifest is missing`);
      deleted = z.object({ deleted: z.array(z.string()) }).parse(await manifest.json()).deleted;
    }
    steps.push({ sha256: link.sha256, bytes: head.size, deleted });
  }
  const header = new TextEncoder().encode(JSON.stringify({ steps }));
  const prefix = new Uint8Array(4 + header.length);
  new DataView(prefix.buffer).setUint32(0, header.length);
  prefix.set(header, 4);
  const total = prefix.length + steps.reduce((sum, s) => sum + s.bytes, 0);
  const fixed = new FixedLengthStream(total);
  const pump = (async () => {
    try {
      const writer = fixed.writable.getWriter();
      await writer.write(prefix);
      writer.releaseLock();
      // pipeTo moves the bytes in the runtime, not chunk by chunk through this isolate's awaits.
      for (const link of chain) {
        const object = await env.BUCKET.get(link.r2Key);
        if (!object) throw new Error(`snapshot ${link.id} vanished`);
        await object.body.pipeTo(fixed.writable, { preventClose: true });
      }
      await fixed.writable.close();
    } catch (err) {
      await fixed.writable.abort(err).catch(() => {});
    }
  })();
  try {
    return await fetchAgent("/snapshot/import-chain", {
      method: "POST",
      body: fixed.readable,
      headers: { "content-type": "application/octet-stream", "content-length": String(total) },
    });
  } finally {
    void pump;
  }
}
