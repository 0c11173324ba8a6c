import { ApiError } from "@burstflare/sdk/errors";
import type { IntentBody, IntentResponse } from "@burstflare/sdk/schemas/intent";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { now } from "../lib/time";
import type { AuthContext } from "../middleware/auth";
import { requireSession, type SessionRecord } from "../sessions/records";
import { assertQuota } from "../workspaces/quotas";
import { findMostRecentMarkedSession, insertWakingIntent, markIntentsConnected } from "./intents-repo";
import { wakeSleepingSession } from "./wake";

/** How long after an intent a terminal or ssh connect still counts as the one it was for. */
const INTENT_CONNECT_WINDOW_MS = 15 * 60 * 1000;

/** The caller's most recently used session marked for start on intent. */
function mostRecentMarked(env: AppBindings, auth: AuthContext): Promise<Pick<SessionRecord, "id" | "state" | "startOnIntent"> | null> {
  return findMostRecentMarkedSession(dbOf(env), auth.workspaceId, auth.userId);
}

/**
 * A surface says its user is about to need a session. If that session (the named one, or the
 * user's most recently used one) is marked for start on intent and sleeps, its wake starts in
 * the background and the answer comes at once. `background` keeps the wake alive after the
 * response (ctx.waitUntil).
 */
export async function fireIntent(
  env: AppBindings,
  auth: AuthContext,
  body: IntentBody,
  background: (work: Promise<unknown>) => void,
): Promise<IntentResponse> {
  const target = body.sessionId ? await requireSession(env, auth.workspaceId, body.sessionId) : await mostRecentMarked(env, auth);
  if (!target) return { intentId: null, sessionId: null, action: "none" };
  if (!target.startOnIntent) return { intentId: null, sessionId: target.id, action: "none" };
  if (target.state === "running" || target.state === "starting") return { intentId: null, sessionId: target.id, action: target.state };
  if (target.state !== "sleeping") return { intentId: null, sessionId: target.id, action: "none" };
  try {
    await assertQuota(env, auth.workspaceId, "runningSessions");
  } catch (err) {
    if (err instanceof ApiError && err.code === "quota_exceeded") return { intentId: null, sessionId: target.id, action: "quota" };
    throw err;
  }
  const intentId = newId("int");
  await insertWakingIntent(dbOf(env), {
    id: intentId,
    userId: auth.userId,
    workspaceId: auth.workspaceId,
    sessionId: target.id,
    surface: body.surface,
    firedAt: now(),
  });
  background(
    wakeSleepingSession(env, target.id).catch((err) => log("warn", "wake on intent failed", { sessionId: target.id, error: String(err) })),
  );
  return { intentId, sessionId: target.id, action: "waking" };
}

/** The user reached the session (terminal or ssh): closes the intents that were waiting for it. */
export async function noteSessionConnect(env: AppBindings, sessionId: string): Promise<void> {
  const t = now();
  await markIntentsConnected(dbOf(env), sessionId, t, t - INTENT_CONNECT_WINDOW_MS);
}
