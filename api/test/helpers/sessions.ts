import { sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { expect } from "vitest";
import { call, type TestUser } from "./users";

/** The session's state as its owner reads it. */
export async function sessionState(owner: TestUser, sessionId: string): Promise<string> {
  const res = await call("GET", `/api/sessions/${sessionId}`, { user: owner });
  return sessionResponse.parse(await res.json()).session.state;
}

/** A session of the owner's, started on a real runtime and waited on until it runs; its id. */
export async function runningSession(owner: TestUser, name: string): Promise<string> {
  const created = await call("POST", "/api/sessions", { user: owner, body: { name, start: false } });
  expect(created.status).toBe(201);
  const sessionId = sessionResponse.parse(await created.json()).session.id;
  const started = await call("POST", `/api/sessions/${sessionId}/start`, { user: owner });
  expect(started.status, await started.clone().text()).toBeLessThan(300);
  for (let i = 0; i < 300 && (await sessionState(owner, sessionId)) !== "running"; i++) await scheduler.wait(100);
  expect(await sessionState(owner, sessionId)).toBe("running");
  return sessionId;
}
