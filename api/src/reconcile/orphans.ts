import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { referenced } from "./orphans-repo";
import type { Plan, PlannedAction, ReconcileContext } from "./types";

/**
 * R2 objects whose owning D1 row is gone: a purge interrupted half-way, an upload whose row
 * write failed. Listed with a cursor kept in KV so each run scans a bounded slice and the next
 * run continues; objects younger than the grace period are never touched (their row may be
 * about to be written).
 */
const CURSOR_KEY = (prefix: string) => `reconcile:orphan-cursor:${prefix}`;

interface Owner {
  prefix: "snapshots/" | "builds/" | "templates/";
  /** Which keys of one listing page have a row that owns them. */
  owned: (env: AppBindings, keys: string[]) => Promise<Set<string>>;
}

/** `builds/<ws>/<buildId>/…` → buildId. */
const buildIdOf = (key: string): string => key.split("/")[2] ?? "";

const OWNERS: Owner[] = [
  {
    prefix: "snapshots/",
    // A snapshot's manifest (`<id>.manifest.json`, beside `<id>.tar.gz`) belongs to its archive's row.
    owned: async (env, keys) => {
      const archiveOf = (k: string) => k.replace(/\.manifest\.json$/, ".tar.gz");
      const rows = await referenced(dbOf(env), "snapshot_archive", [...new Set(keys.map(archiveOf))]);
      return new Set(keys.filter((k) => rows.has(archiveOf(k))));
    },
  },
  {
    prefix: "builds/",
    owned: async (env, keys) => {
      const db = dbOf(env);
      const builds = await referenced(db, "build_id", keys.map(buildIdOf));
      // A session keeps starting from its artifact even after its build row went.
      const artifacts = await referenced(db, "session_artifact", keys);
      return new Set(keys.filter((k) => builds.has(buildIdOf(k)) || artifacts.has(k)));
    },
  },
  {
    prefix: "templates/",
    owned: async (env, keys) => {
      const db = dbOf(env);
      const versions = await referenced(db, "version_bundle", keys);
      const sessions = await referenced(db, "session_bundle", keys);
      return new Set(keys.filter((k) => versions.has(k) || sessions.has(k)));
    },
  },
];

export async function planOrphans(ctx: ReconcileContext): Promise<Plan> {
  const graceMs = ctx.policy.orphanGraceMs;
  const actions: PlannedAction[] = [];
  let truncated = false;
  const budget = Math.max(1, Math.floor(ctx.policy.maxObjectsScanned / OWNERS.length));
  for (const owner of OWNERS) {
    let scanned = 0;
    let cursor = (await ctx.env.KV.get(CURSOR_KEY(owner.prefix))) ?? undefined;
    let finished = false;
    while (scanned < budget) {
      const page = await ctx.env.BUCKET.list({ prefix: owner.prefix, cursor, limit: Math.min(1000, budget - scanned) });
      scanned += page.objects.length;
      const old = page.objects.filter((o) => ctx.now - o.uploaded.getTime() > graceMs);
      const owned =
        old.length > 0
          ? await owner.owned(
              ctx.env,
              old.map((o) => o.key),
            )
          : new Set<string>();
      for (const o of old.filter((o) => !owned.has(o.key))) {
        actions.push({
          kind: "orphan_object_delete",
          targetType: "r2_object",
          targetId: o.key,
          workspaceId: o.key.split("/")[1] ?? null,
          reason: `no ${owner.prefix.slice(0, -1)} row owns it (${o.size} bytes, uploaded ${o.uploaded.toISOString()})`,
          details: { bytes: o.size },
          apply: async () => {
            // Checked again just before: a row written since the listing keeps its object.
            if ((await owner.owned(ctx.env, [o.key])).has(o.key)) return "noop";
            await ctx.env.BUCKET.delete(o.key);
            return "done";
          },
        });
      }
      cursor = page.truncated ? page.cursor : undefined;
      if (!cursor) {
        finished = true;
        break;
      }
    }
    if (!finished) truncated = true;
    if (!ctx.preview) {
      if (cursor) await ctx.env.KV.put(CURSOR_KEY(owner.prefix), cursor, { expirationTtl: 7 * 24 * 3600 });
      else await ctx.env.KV.delete(CURSOR_KEY(owner.prefix));
    }
  }
  return { actions, truncated };
}
