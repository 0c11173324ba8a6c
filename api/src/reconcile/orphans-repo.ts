import { z } from "zod";
import type { Db } from "../lib/db";

/** Which R2 keys (or build ids) a D1 row still refers to: reconcile's orphan scan asks these. */

type Lookup = "snapshot_archive" | "build_id" | "session_artifact" | "version_bundle" | "session_bundle";

/** The column holding the value, per lookup; `?s` is filled with the chunk's placeholders. */
const SQL: Record<Lookup, string> = {
  snapshot_archive: "SELECT r2_key AS v FROM snapshots WHERE r2_key IN (?s)",
  build_id: "SELECT id AS v FROM template_builds WHERE id IN (?s)",
  session_artifact: "SELECT artifact_key AS v FROM sessions WHERE artifact_key IN (?s)",
  version_bundle: "SELECT bundle_key AS v FROM template_versions WHERE bundle_key IN (?s)",
  session_bundle: "SELECT bundle_key AS v FROM sessions WHERE bundle_key IN (?s)",
};

/** Those of `values` some row holds, looked up in chunks that stay under D1's bound-parameter limit. */
export async function referenced(db: Db, lookup: Lookup, values: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += 90) {
    const chunk = unique.slice(i, i + 90);
    const rows = await db.all(z.object({ v: z.string() }), SQL[lookup].replace("?s", chunk.map(() => "?").join(",")), ...chunk);
    for (const r of rows) found.add(r.v);
  }
  return found;
}
