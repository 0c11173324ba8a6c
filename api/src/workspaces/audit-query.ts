import { ApiError } from "../../../sdk/errors";
import type { AuditEntry } from "../../../sdk/schemas/workspaces";
import type { AppBindings } from "../env";
import { base64url, fromBase64url } from "../lib/crypto";
import { iso } from "../lib/time";

export interface AuditFilter {
  action?: string;
  actor?: string;
  target?: string;
  since?: number;
  until?: number;
  limit: number;
  cursor?: string;
}

interface AuditRow {
  id: string;
  workspace_id: string | null;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string | null;
  ip: string | null;
  request_id: string | null;
  created_at: number;
}

/** Cursor = the (created_at, id) of the last entry returned; pages walk newest to oldest. */
function encodeCursor(row: AuditRow): string {
  return base64url(new TextEncoder().encode(`${row.created_at}:${row.id}`));
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
  env: AppBindings,
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
  const rows = await env.DB.prepare(
    `SELECT a.id, a.workspace_id, a.actor_id, u.email AS actor_email, a.action, a.target_type, a.target_id, a.details, a.ip,
            a.request_id, a.created_at
     FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
     WHERE ${where.join(" AND ")} ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
  )
    .bind(...binds, f.limit + 1)
    .all<AuditRow>();
  const page = rows.results.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => ({
      id: r.id,
      workspaceId: r.workspace_id,
      actorId: r.actor_id,
      actorEmail: r.actor_email,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: parseDetails(r.details),
      ip: r.ip,
      requestId: r.request_id,
      createdAt: iso(r.created_at) ?? "",
    })),
    nextCursor: rows.results.length > f.limit && last ? encodeCursor(last) : null,
  };
}
