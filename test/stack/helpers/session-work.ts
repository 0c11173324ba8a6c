import { afterAll, beforeAll } from "vitest";
import { api, createSession, expectOK } from "./api";
import type { TerminalClient } from "./terminal";
import { createStackUser, type StackUser } from "./users";

/** A fresh owner's session for one test file; the terminals its tests push to `terminals` close after them. */
export interface OwnerSession {
  owner: StackUser;
  sessionId: string;
  terminals: TerminalClient[];
}

export function ownerSessionForFile(name: string): OwnerSession {
  const fixture = { terminals: [] as TerminalClient[] } as OwnerSession;
  beforeAll(async () => {
    fixture.owner = await createStackUser();
    fixture.sessionId = (await createSession(fixture.owner, { name: `${name}-${Date.now().toString(36)}` })).id;
  });
  afterAll(async () => {
    await Promise.all(fixture.terminals.map((t) => t.close()));
  });
  return fixture;
}

/** Runs `sh -c script` in the session as `user` (POST /exec) and returns its stdout, trimmed. */
export async function execAs(user: StackUser, sessionId: string, script: string): Promise<string> {
  const res = (await expectOK(
    await api(user, "POST /api/sessions/{sessionId}/exec", { params: { sessionId }, body: { argv: ["sh", "-c", script] } }),
  )) as { stdout: string };
  return res.stdout.trim();
}

/** Whether `pid` runs in the session, as `viewer`'s own command sees it (a zombie counts as ended). */
export async function runningIn(viewer: StackUser, sessionId: string, pid: number): Promise<boolean> {
  const script = `if [ -d /proc/${pid} ] && ! grep -q '^State:.*Z' /proc/${pid}/status; then echo alive; else echo gone; fi`;
  return (await execAs(viewer, sessionId, script)) === "alive";
}
