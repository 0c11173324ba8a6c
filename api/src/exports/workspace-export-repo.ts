import { z } from "zod";
import type { Db } from "../lib/db";

/**
 * The reads of a workspace export: each section is one table's rows for the workspace, read in
 * rowid pages so a long audit log never sits in memory at once. Sections select `*` on purpose:
 * the export is the record an operator keeps, so a column a later migration adds belongs in it
 * without touching this file; `omit` drops secret material (hashes, ciphertext).
 */
interface Section {
  name: string;
  from: string;
  where: string;
  binds: (workspaceId: string) => unknown[];
  select?: string;
  omit?: string[];
}

const templatesOf = "(SELECT id FROM templates WHERE workspace_id = ?)";

const SECTIONS: Section[] = [
  {
    name: "members",
    from: "memberships m JOIN users u ON u.id = m.user_id",
    select: "m.rowid AS _rowid, m.user_id, u.email, u.name, m.role, m.created_at",
    where: "m.workspace_id = ?",
    binds: (w) => [w],
  },
  { name: "invites", from: "invites", where: "workspace_id = ?", binds: (w) => [w], omit: ["code_hash"] },
  {
    name: "secrets",
    from: "workspace_secrets",
    select: "rowid AS _rowid, id, name, created_at, updated_at",
    where: "workspace_id = ?",
    binds: (w) => [w],
  },
  { name: "quotaOverrides", from: "quota_overrides", where: "workspace_id = ?", binds: (w) => [w] },
  { name: "templates", from: "templates", where: "workspace_id = ?", binds: (w) => [w] },
  {
    name: "templateVersions",
    from: "template_versions",
    where: `(workspace_id = ? OR template_id IN ${templatesOf})`,
    binds: (w) => [w, w],
  },
  { name: "templateReleases", from: "template_releases", where: `template_id IN ${templatesOf}`, binds: (w) => [w] },
  {
    name: "templateBuilds",
    from: "template_builds",
    where: `(workspace_id = ? OR template_id IN ${templatesOf})`,
    binds: (w) => [w, w],
  },
  { name: "sessions", from: "sessions", where: "workspace_id = ?", binds: (w) => [w] },
  { name: "snapshots", from: "snapshots", where: "workspace_id = ?", binds: (w) => [w] },
  { name: "auditLog", from: "audit_log", where: "workspace_id = ?", binds: (w) => [w] },
  { name: "usageDaily", from: "usage_daily", where: "workspace_id = ?", binds: (w) => [w] },
];

/** The sections of the document, in order. */
export const EXPORT_SECTIONS: readonly string[] = SECTIONS.map((s) => s.name);

const rowidColumn = (s: Section) => (s.select?.startsWith("m.") ? "m.rowid" : "rowid");

const anyRow = z.record(z.string(), z.unknown());
const pagedRow = z.looseObject({ _rowid: z.number() });

/** Up to `limit` rows of the section after rowid `after`, in rowid order, secrets omitted. */
export async function readExportPage(
  db: Db,
  sectionName: string,
  workspaceId: string,
  after: number,
  limit: number,
): Promise<{ rowid: number; row: Record<string, unknown> }[]> {
  const section = SECTIONS.find((s) => s.name === sectionName);
  if (!section) throw new Error(`unknown export section ${sectionName}`);
  const rowid = rowidColumn(section);
  const rows = await db.all(
    pagedRow,
    `SELECT ${section.select ?? "rowid AS _rowid, *"} FROM ${section.from} WHERE ${section.where} AND ${rowid} > ? ORDER BY ${rowid} LIMIT ?`,
    ...section.binds(workspaceId),
    after,
    limit,
  );
  return rows.map(({ _rowid, ...rest }) => {
    for (const column of section.omit ?? []) delete rest[column];
    return { rowid: _rowid, row: rest };
  });
}

/** The workspaces row, every column, deleted or not. */
export function findWorkspaceRecord(db: Db, workspaceId: string): Promise<Record<string, unknown> | null> {
  return db.one(anyRow, "SELECT * FROM workspaces WHERE id = ?", workspaceId);
}
