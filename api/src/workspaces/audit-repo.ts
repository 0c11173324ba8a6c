import { ApiError } from "@burstflare/sdk/errors";
import { type AuditEntry, auditEntrySchema } from "@burstflare/sdk/schemas/workspaces";
import { base64url, fromBase64url } from "../lib/crypto";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

/** One audit record to write; every field but the action is optional. */
export interface NewAuditRecord {
  id: string;
  action: string;
  workspaceId?: string | null;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  requestId?: string | null;
  createdAt: number;
}

export async function insertAudit(db: Db, e: NewAuditRecord): Promise<void> {
  await db.run(
    `INSERT INTO audit_log (id, workspace_id, actor_id, action, target_type, target_id, details, ip, request_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    e.id,
    e.workspaceId ?? null,
    e.actorId ?? null,
    e.action,
    e.targetType ?? null,
    e.targetId ?? null,
    e.details ? JSON.stringify(e.details) : null,
    e.ip ?? null,
    e.requestId ?? null,
    e.createdAt,
  );
}

interface AuditFilter {
  action?: string;
  actor?: string;
  target?: string;
  since?: number;
  until?: number;
  limit: number;
  cursor?: string;
}

const AuditRow = rowOf(auditEntrySchema, { times: ["createdAt"], decode: { details: parseDetails } });

/** Cursor = the (created_at in ms, id) of the last entry returned; pages walk newest to oldest. */
function encodeCursor(entry: AuditEntry): string {
  return base64url(new TextEncoder().encode(`${Date.parse(entry.createdAt)}:${entry.id}`));
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const text = new TextDecoder().decode(fromBase64url(cursor));
    const sep = text.indexOf(":");
    const createdAt = Number(text.slice(0, sep));
    const id = text.slice(sep + 1);
    if (sep < 1 || !Number.isSafeInteger(createdAt) || !id) throw new Error("bad cursor");
    return { createdAt, id };
  } catch {
    throw new ApiError("validation_failed", "cursor: not a cursor from this API");
  }
}

function parseDetails(text: string | null): unknown {
  if (text == null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** LIKE with the user's text taken literally. */
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** One workspace's audit log; `null` reads the operators' security log (entries with no workspace). */
export async function queryAudit(
  db: Db,
  workspaceId: string | null,
  f: AuditFilter,
): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const where = [workspaceId === null ? "a.workspace_id IS NULL" : "a.workspace_id = ?"];
  const binds: unknown[] = workspaceId === null ? [] : [workspaceId];
  if (f.action) {
    where.push("a.action LIKE ? ESCAPE '\\'");
    binds.push(`${escapeLike(f.action)}%`);
  }
  if (f.actor) {
    where.push("a.actor_id = ?");
    binds.push(f.actor);
  }
  if (f.target) {
    where.push("(a.target_id = ? OR a.target_type = ?)");
    binds.push(f.target, f.target);
  }
  if (f.since !== undefined) {
    where.push("a.created_at >= ?");
    binds.push(f.since);
  }
  if (f.until !== undefined) {
    where.push("a.created_at < ?");
    binds.push(f.until);
  }
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    where.push("(a.created_at < ? OR (a.created_at = ? AND a.id < ?))");
    binds.push(c.createdAt, c.createdAt, c.id);
  }
  const rows = await db.all(
    AuditRow,
    `SELECT a.id, a.workspace_id, a.actor_id, u.email AS actor_email, a.action, a.target_type, a.target_id, a.details, a.ip,
            a.request_id, a.created_at
     FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
     WHERE ${where.join(" AND ")} ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
    ...binds,
    f.limit + 1,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    entries: page,
    nextCursor: rows.length > f.limit && last ? encodeCursor(last) : null,
  };
}
