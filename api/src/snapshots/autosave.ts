import { z } from "zod";
import type { AppBindings } from "../env";
import { boundedJSON, SMALL_ANSWER_BYTES } from "../lib/bounded-body";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { snapshotConfig } from "./config";
import { latestReady, type SnapshotRecord } from "./records";
import { type FetchAgent, openExport, type SessionRef, saveSnapshot } from "./store";

/** What the last autosave check saw; kept in KV so checks survive Durable Object restarts. */
const autosaveState = z.object({ checkedAt: z.number(), fingerprint: z.string().nullable() });
type AutosaveState = z.infer<typeof autosaveState>;

const stateKey = (sessionId: string) => `snapshot-autosave:${sessionId}`;

async function readState(env: AppBindings, sessionId: string): Promise<AutosaveState | null> {
  const raw = await env.KV.get(stateKey(sessionId), "json").catch(() => null);
  const parsed = autosaveState.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

async function writeState(env: AppBindings, sessionId: string, state: AutosaveState): Promise<void> {
  await env.KV.put(stateKey(sessionId), JSON.stringify(state), { expirationTtl: 30 * 24 * 3600 });
}

/**
 * A cheap change signal from the agent (`GET /snapshot/fingerprint` → `{ fingerprint }`: paths,
 * sizes and mtimes of the persisted paths). Null when the agent does not offer one.
 */
async function agentFingerprint(fetchAgent: FetchAgent): Promise<string | null> {
  try {
    const res = await fetchAgent("/snapshot/fingerprint", { method: "GET" });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      return null;
    }
    const parsed = z.object({ fingerprint: z.string().min(1).max(256) }).safeParse(await boundedJSON(res, SMALL_ANSWER_BYTES));
    return parsed.success ? parsed.data.fingerprint : null;
  } catch {
    return null;
  }
}

type AutosaveOutcome = { saved: true; snapshot: SnapshotRecord } | { saved: false; reason: "not_due" | "unchanged"; nextCheckAt: number };

/**
 * Called by the Session DO's alarm while a session runs. Saves an `autosave` snapshot when the
 * interval has passed since the last check and the persisted paths changed since the restore
 * point. The change signal is the agent's fingerprint; an agent without one but with the older
 * export announces the SHA-256 in a header before any byte, compared with the restore point's.
 */
export async function maybeAutosave(env: AppBindings, session: SessionRef, fetchAgent: FetchAgent, at = now()): Promise<AutosaveOutcome> {
  const { autosaveIntervalMs } = snapshotConfig(env);
  const [state, latest] = await Promise.all([readState(env, session.id), latestReady(env, session.id)]);
  // The first check of a runtime only sets the baseline: it has just been restored from the
  // restore point (or is fresh), so there is nothing to save yet.
  if (!state && !latest) {
    await writeState(env, session.id, { checkedAt: at, fingerprint: null });
    return { saved: false, reason: "not_due", nextCheckAt: at + autosaveIntervalMs };
  }
  const lastCheck = Math.max(state?.checkedAt ?? 0, latest?.createdAt ?? 0);
  if (at - lastCheck < autosaveIntervalMs) {
    return { saved: false, reason: "not_due", nextCheckAt: lastCheck + autosaveIntervalMs };
  }
  const fingerprint = await agentFingerprint(fetchAgent);
  if (fingerprint !== null && latest && state?.fingerprint === fingerprint) {
    await writeState(env, session.id, { checkedAt: at, fingerprint });
    return { saved: false, reason: "unchanged", nextCheckAt: at + autosaveIntervalMs };
  }
  // An agent with a fingerprint also offers manifests: the save may be incremental.
  if (fingerprint !== null) {
    const snapshot = await saveSnapshot(env, { session, kind: "autosave", fetchAgent, incremental: true });
    await writeState(env, session.id, { checkedAt: at, fingerprint });
    log("info", "autosave", { sessionId: session.id, snapshotId: snapshot.id, format: snapshot.format, bytes: snapshot.bytes });
    return { saved: true, snapshot };
  }
  const opened = await openExport(fetchAgent);
  // An older agent announces the SHA-256 before the body; a streamed export's is known only at the end.
  if (latest && opened.sha256 !== null && latest.sha256 === opened.sha256) {
    await opened.response.body?.cancel().catch(() => {});
    await writeState(env, session.id, { checkedAt: at, fingerprint });
    return { saved: false, reason: "unchanged", nextCheckAt: at + autosaveIntervalMs };
  }
  const snapshot = await saveSnapshot(env, { session, kind: "autosave", fetchAgent, exportResponse: opened.response });
  await writeState(env, session.id, { checkedAt: at, fingerprint });
  log("info", "autosave", { sessionId: session.id, snapshotId: snapshot.id, bytes: snapshot.bytes });
  return { saved: true, snapshot };
}
