import type { AppBindings } from "../env";
import { sessionDORequest, sessionStub } from "../sessions/stub";

/**
 * Wakes a sleeping session through its DO's connection path, the same one a terminal connect
 * takes: it wakes only `sleeping` (or never started) sessions, never one its owner stopped,
 * waits for an operation in flight, and checks the running-sessions quota before booting.
 */
export async function wakeSleepingSession(env: AppBindings, sessionId: string): Promise<boolean> {
  const res = await sessionStub(env, sessionId).fetch(
    sessionDORequest(sessionId, "/runtime", { method: "GET" }, { agentPath: "/health", wake: true }),
  );
  await res.body?.cancel().catch(() => {});
  return res.ok;
}
