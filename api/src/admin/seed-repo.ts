import { z } from "zod";
import type { Db } from "../lib/db";

/** SQL behind operator seeding (api/src/admin/seed.ts); accounts reuse the sign-up statements. */

export async function workspaceExists(db: Db, workspaceId: string): Promise<boolean> {
  return (
    (await db.one(z.object({ id: z.string() }), "SELECT id FROM workspaces WHERE id = ? AND deleted_at IS NULL", workspaceId)) !== null
  );
}

/** A template with one version, uploaded (no bundle: sessions run its manifest alone) and active, in one batch. */
export async function insertActiveTemplate(
  db: Db,
  t: { id: string; versionId: string; workspaceId: string; name: string; manifest: unknown; createdBy: string; at: number },
): Promise<boolean> {
  const [inserted] = await db.batch([
    db.statement(
      `INSERT INTO templates (id, workspace_id, name, description, builtin, created_by, created_at, updated_at)
       SELECT ?1, ?2, ?3, 'seeded', 0, ?4, ?5, ?5
       WHERE NOT EXISTS (SELECT 1 FROM templates WHERE workspace_id = ?2 AND name = ?3 AND deleted_at IS NULL)`,
      t.id,
      t.workspaceId,
      t.name,
      t.createdBy,
      t.at,
    ),
    db.statement(
      `INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_by, uploaded_by, created_at)
       SELECT ?1, id, workspace_id, '1', ?2, 'uploaded', ?3, ?3, ?4 FROM templates WHERE id = ?5`,
      t.versionId,
      JSON.stringify(t.manifest),
      t.createdBy,
      t.at,
      t.id,
    ),
    db.statement("UPDATE templates SET active_version_id = ? WHERE id = ?", t.versionId, t.id),
  ]);
  return inserted === 1;
}

/**
 * `count` session rows in one statement (a recursive CTE keeps it under D1's 100 bound values;
 * numbers arrive as REAL, hence the casts):
 * names `<prefix><i, five digits>`, row i in states[i % n], created one millisecond apart.
 */
export async function insertSessionRows(
  db: Db,
  s: { workspaceId: string; ownerId: string; count: number; namePrefix: string; states: readonly string[]; at: number },
): Promise<number> {
  return db.run(
    `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
     INSERT INTO sessions (id, workspace_id, owner_id, name, state, state_version, created_at, updated_at)
     SELECT 'ses_' || lower(hex(randomblob(12))), ?2, ?3, ?4 || printf('%05d', i),
       json_extract(?5, '$[' || (i % CAST(?6 AS INTEGER)) || ']'), 1, CAST(?7 AS INTEGER) - i, CAST(?7 AS INTEGER) - i
     FROM seq
     WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE workspace_id = ?2 AND name = ?4 || printf('%05d', i) AND deleted_at IS NULL)`,
    s.count,
    s.workspaceId,
    s.ownerId,
    s.namePrefix,
    JSON.stringify(s.states),
    s.states.length,
    s.at,
  );
}

const DELETABLE_TABLES = { session: "sessions", snapshot: "snapshots", template: "templates", workspace: "workspaces" } as const;

/** Moves an existing deletion back in time; false when there is no such deleted row. */
export async function backdateDeletion(db: Db, kind: keyof typeof DELETABLE_TABLES, id: string, deletedAt: number): Promise<boolean> {
  const table = DELETABLE_TABLES[kind];
  return (await db.run(`UPDATE ${table} SET deleted_at = ? WHERE id = ? AND deleted_at IS NOT NULL`, deletedAt, id)) === 1;
}
