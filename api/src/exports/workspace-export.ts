import { type WorkspaceExport, workspaceExportSchema } from "@burstflare/sdk/schemas/snapshots";
import { z } from "zod";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { found } from "../lib/errors";
import { log } from "../lib/log";
import { isoView, withEpochTimes } from "../lib/rows";
import { iso, now } from "../lib/time";
import { R2TextWriter } from "./r2-writer";
import { EXPORT_SECTIONS, findWorkspaceRecord, readExportPage } from "./workspace-export-repo";

const EXPORT_FORMAT = "burstflare.workspace-export";
const EXPORT_FORMAT_VERSION = 1;
const PAGE = 500;

async function writeSection(env: AppBindings, writer: R2TextWriter, section: string, workspaceId: string): Promise<number> {
  await writer.write(`,${JSON.stringify(section)}:[`);
  const db = dbOf(env);
  let after = -1;
  let count = 0;
  for (;;) {
    const page = await readExportPage(db, section, workspaceId, after, PAGE);
    for (const { rowid, row } of page) {
      await writer.write(`${count === 0 ? "" : ","}${JSON.stringify(row)}`);
      count++;
      after = rowid;
    }
    if (page.length < PAGE) break;
  }
  await writer.write("]");
  return count;
}

export const exportKey = (workspaceId: string, exportId: string) => `exports/${workspaceId}/${exportId}.json`;
const metaKey = (workspaceId: string, exportId: string) => `exports/${workspaceId}/${exportId}.meta.json`;

/** What is kept beside an export: the contract's WorkspaceExport but for its URL, with its time in epoch ms and its author. */
const exportMeta = withEpochTimes(workspaceExportSchema.omit({ downloadURL: true }), ["createdAt"]).extend({
  createdBy: z.string().nullable(),
  /** Made by an operator (the admin route): never pruned by the workspace's own exports. */
  byOperator: z.boolean().optional(),
});
type ExportMeta = z.infer<typeof exportMeta>;

/**
 * Writes the workspace's records as one JSON document to R2: the record an operator keeps before
 * a destructive repair. Secret values, invite codes and credentials are never included.
 */
export async function exportWorkspace(
  env: AppBindings,
  workspaceId: string,
  createdBy: string | null,
  byOperator = false,
): Promise<ExportMeta> {
  const workspace = found(await findWorkspaceRecord(dbOf(env), workspaceId), "workspace");
  const id = newId("exp");
  const createdAt = now();
  const writer = new R2TextWriter(env.BUCKET, exportKey(workspaceId, id), {
    httpMetadata: { contentType: "application/json" },
    customMetadata: { workspaceId, createdBy: createdBy ?? "" },
  });
  const counts: Record<string, number> = {};
  try {
    await writer.write(
      `{"format":${JSON.stringify(EXPORT_FORMAT)},"formatVersion":${EXPORT_FORMAT_VERSION},"exportId":${JSON.stringify(id)},` +
        `"exportedAt":${JSON.stringify(iso(createdAt))},"exportedBy":${JSON.stringify(createdBy)},"workspace":${JSON.stringify(workspace)}`,
    );
    for (const section of EXPORT_SECTIONS) counts[section] = await writeSection(env, writer, section, workspaceId);
    await writer.write("}");
    const { bytes, sha256 } = await writer.close();
    const meta: ExportMeta = { id, workspaceId, bytes, sha256, createdAt, createdBy, counts, byOperator };
    await env.BUCKET.put(metaKey(workspaceId, id), JSON.stringify(meta), { httpMetadata: { contentType: "application/json" } });
    log("info", "workspace export", { workspaceId, exportId: id, bytes, counts });
    return meta;
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

export async function getExportMeta(env: AppBindings, workspaceId: string, exportId: string): Promise<ExportMeta | null> {
  const object = await env.BUCKET.get(metaKey(workspaceId, exportId));
  if (!object) return null;
  const parsed = exportMeta.safeParse(await object.json().catch(() => null));
  return parsed.success ? parsed.data : null;
}

/** Newest first. */
export async function listExports(env: AppBindings, workspaceId: string, limit = 50): Promise<ExportMeta[]> {
  const listed = await env.BUCKET.list({ prefix: `exports/${workspaceId}/`, limit: 1000 });
  const ids = listed.objects.map((o) => o.key.slice(`exports/${workspaceId}/`.length)).filter((k) => k.endsWith(".meta.json"));
  const metas = await Promise.all(ids.map((k) => getExportMeta(env, workspaceId, k.slice(0, -".meta.json".length))));
  return metas
    .filter((m): m is ExportMeta => m !== null)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, limit);
}

/** How many exports a workspace's owners and admins keep; each new one deletes those past it. */
const KEPT_WORKSPACE_EXPORTS = 10;

/**
 * Deletes the workspace's own exports past the newest KEPT_WORKSPACE_EXPORTS. Each export holds the
 * audit rows of every export before it, so keeping them all grew R2 quadratically for a free
 * account, counted against no quota. An operator's export (kept before a repair) is never pruned.
 */
export async function pruneWorkspaceExports(env: AppBindings, workspaceId: string): Promise<void> {
  const old = (await listExports(env, workspaceId, Number.POSITIVE_INFINITY)).filter((m) => !m.byOperator).slice(KEPT_WORKSPACE_EXPORTS);
  if (old.length) await env.BUCKET.delete(old.flatMap((m) => [exportKey(workspaceId, m.id), metaKey(workspaceId, m.id)]));
}

export function toWorkspaceExport(meta: ExportMeta, downloadURL: string): WorkspaceExport {
  return { ...isoView(workspaceExportSchema.omit({ downloadURL: true }), ["createdAt"], meta), downloadURL };
}
