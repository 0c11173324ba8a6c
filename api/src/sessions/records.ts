import { ApiError } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { base64url, fromBase64url } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { now } from "../lib/time";
import { findLiveTemplate, templateIdOfVersion } from "../templates/templates-repo";
import { getLimits, quotaRefusal } from "../workspaces/quotas";
import {
  claimRunningSlot,
  findLiveSession,
  findSession,
  insertSessionRow,
  type LifecycleFields,
  listSessionRecords,
  type NewSession,
  releaseRunningSlot,
  type SessionFilters,
  type SessionRecord,
  sessionNameTaken,
  writeLifecycle,
} from "./sessions-repo";

// The record type lives with the SQL; re-exported for the modules that import it from here.
export type { LifecycleFields, SessionConfig, SessionRecord } from "./sessions-repo";

/**
 * Inserts the row in state `created`: 409 when the name is taken or its template version was
 * deleted since it was resolved, 404 when its template was (requireLiveTemplate), 403
 * quota_exceeded at the workspace's session limit.
 */
export async function insertSession(env: AppBindings, s: NewSession): Promise<void> {
  const db = dbOf(env);
  const { totalSessions } = await getLimits(env, s.workspaceId);
  if (await insertSessionRow(db, s, totalSessions)) return;
  if (s.versionId && (await templateIdOfVersion(db, s.versionId)) === null)
    throw new ApiError("invalid_state", "the template version was deleted while the session was being created; create it again");
  if (s.requireLiveTemplate && s.templateId && !(await findLiveTemplate(db, s.templateId))) throw notFound("template");
  if (await sessionNameTaken(db, s.workspaceId, s.name)) throw new ApiError("conflict", `a session named ${s.name} already exists`);
  throw await quotaRefusal(env, s.workspaceId, "totalSessions");
}

/**
 * Holds one of the workspace's running-session slots for a start (403 quota_exceeded when none is
 * free); `release` gives it back if the start ends before the Session DO recorded a transition.
 */
export async function claimRunning(env: AppBindings, r: { sessionId: string; workspaceId: string }): Promise<void> {
  const { runningSessions } = await getLimits(env, r.workspaceId);
  if (!(await claimRunningSlot(dbOf(env), r.sessionId, r.workspaceId, runningSessions, now())))
    throw await quotaRefusal(env, r.workspaceId, "runningSessions");
}

export function releaseRunning(env: AppBindings, r: { sessionId: string; state: string; stateVersion: number }): Promise<boolean> {
  return releaseRunningSlot(dbOf(env), r.sessionId, r.state, r.stateVersion);
}

/** Any session by id, deleted or not: the Session DO's own lookup. */
export function getSessionById(env: AppBindings, id: string): Promise<SessionRecord | null> {
  return findSession(dbOf(env), id);
}

/** A live session of the workspace; another workspace's or a deleted one answers 404. */
export async function requireSession(env: AppBindings, workspaceId: string, id: string): Promise<SessionRecord> {
  const session = await findLiveSession(dbOf(env), workspaceId, id);
  if (!session) throw notFound("session");
  return session;
}

interface SessionPage {
  sessions: SessionRecord[];
  nextCursor: string | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The cursor names the last session of a page by its sort key (created_at in ms, id), opaque to clients. */
function encodeCursor(session: Pick<SessionRecord, "createdAt" | "id">): string {
  return base64url(encoder.encode(`${Date.parse(session.createdAt)}.${session.id}`));
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let text = "";
  try {
    text = decoder.decode(fromBase64url(cursor));
  } catch {
    // falls through to the shape check
  }
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(text);
  if (!match) throw new ApiError("bad_request", "cursor is not a nextCursor of this list");
  return { createdAt: Number(match[1]), id: match[2] as string };
}

/**
 * One page of the workspace's sessions, newest first, filtered in SQL. Keyset pagination on
 * (created_at, id), so a page costs the same wherever it is and rows created meanwhile do not
 * shift later pages; filters do not change the order, so a cursor stays valid under them.
 */
export async function listSessionPage(
  env: AppBindings,
  workspaceId: string,
  { limit, cursor, filters = {} }: { limit: number; cursor?: string; filters?: SessionFilters },
): Promise<SessionPage> {
  const after = cursor ? decodeCursor(cursor) : null;
  // One row more than the page tells whether there is a next one.
  const results = await listSessionRecords(dbOf(env), workspaceId, { limit: limit + 1, after, filters });
  const sessions = results.slice(0, limit);
  const last = sessions[sessions.length - 1];
  return { sessions, nextCursor: results.length > limit && last ? encodeCursor(last) : null };
}

/** Mirrors the DO's lifecycle fields; a stale writer (an older transition arriving late) changes nothing. */
export function mirrorLifecycle(env: AppBindings, sessionId: string, f: LifecycleFields, at: number): Promise<boolean> {
  return writeLifecycle(dbOf(env), sessionId, f, at);
}
