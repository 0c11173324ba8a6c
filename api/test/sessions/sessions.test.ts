import { env } from "cloudflare:workers";
import { sessionDetailResponse, sessionListResponse, sessionResponse, sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { describe, expect, it } from "vitest";
import { issueSignIn } from "../../src/auth/sign-ins";
import { dbOf } from "../../src/lib/db";
import { saveQuotaOverrides } from "../../src/workspaces/quotas-repo";
import { countInWorkspace } from "../helpers/db";
import { call, createTestUser, type TestUser } from "../helpers/users";

async function createSession(user: TestUser, name = "dev") {
  const res = await call("POST", "/api/sessions", { user, body: { name, start: false } });
  expect(res.status).toBe(201);
  return sessionResponse.parse(await res.json()).session;
}

describe("sessions API: create, list, get", () => {
  it("creates a session from the built-in starter in state created and lists it", async () => {
    const user = await createTestUser();
    const session = await createSession(user, "first");
    expect(session).toMatchObject({ name: "first", state: "created", stateVersion: 0, workspaceId: user.workspaceId, previewPort: 3000 });
    const list = sessionListResponse.parse(await (await call("GET", "/api/sessions", { user })).json());
    expect(list.sessions.map((s) => s.id)).toEqual([session.id]);
    const detail = sessionDetailResponse.parse(await (await call("GET", `/api/sessions/${session.id}`, { user })).json());
    expect(detail.session).toMatchObject({ id: session.id, runtimeStatus: "none", lastLifecyclePhase: null, activity: null });
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ?").bind(session.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toContain("session.create");
  });

  it("refuses bad input with 400 and a taken name with 409, writing nothing", async () => {
    const user = await createTestUser();
    for (const body of [{}, { name: "Has Spaces" }, { name: "x".repeat(49) }, { name: "ok", templateId: "../x" }, { name: 42 }]) {
      const res = await call("POST", "/api/sessions", { user, body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
    const malformed = await call("POST", "/api/sessions", { user, body: "{not json", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    await createSession(user, "taken");
    const dup = await call("POST", "/api/sessions", { user, body: { name: "taken", start: false } });
    expect(dup.status).toBe(409);
    expect(await countInWorkspace("sessions", user.workspaceId)).toBe(1);
  });

  it("answers 404 for an unknown or another workspace's template", async () => {
    const user = await createTestUser();
    const res = await call("POST", "/api/sessions", { user, body: { name: "x", templateId: "tpl_nope", start: false } });
    expect(res.status).toBe(404);
  });

  it("enforces the plan's total sessions quota", async () => {
    const user = await createTestUser();
    await saveQuotaOverrides(dbOf(env), user.workspaceId, [{ limitName: "totalSessions", value: 1 }], "test", Date.now());
    await createSession(user, "one");
    const res = await call("POST", "/api/sessions", { user, body: { name: "two", start: false } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("quota_exceeded");
  });

  it("needs sign-in, and a viewer may read but not create or act", async () => {
    const owner = await createTestUser();
    const session = await createSession(owner);
    expect((await call("GET", "/api/sessions")).status).toBe(401);
    expect((await call("POST", "/api/sessions", { body: { name: "x" } })).status).toBe(401);
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await call("GET", `/api/sessions/${session.id}`, { user: viewer })).status).toBe(200);
    expect((await call("POST", "/api/sessions", { user: viewer, body: { name: "v", start: false } })).status).toBe(403);
    for (const action of ["start", "stop", "restart", "keep-awake", "ssh-token"]) {
      const res = await call("POST", `/api/sessions/${session.id}/${action}`, { user: viewer, body: { minutes: 5 } });
      expect(res.status, action).toBe(403);
    }
    expect((await call("DELETE", `/api/sessions/${session.id}`, { user: viewer })).status).toBe(403);
  });

  it("answers 404 on every route for another workspace's session", async () => {
    const owner = await createTestUser();
    const session = await createSession(owner);
    const stranger = await createTestUser();
    const routes: [string, string][] = [
      ["GET", `/api/sessions/${session.id}`],
      ["GET", `/api/sessions/${session.id}/events`],
      ["POST", `/api/sessions/${session.id}/start`],
      ["POST", `/api/sessions/${session.id}/stop`],
      ["POST", `/api/sessions/${session.id}/restart`],
      ["POST", `/api/sessions/${session.id}/keep-awake`],
      ["POST", `/api/sessions/${session.id}/ssh-token`],
      ["DELETE", `/api/sessions/${session.id}`],
      ["GET", `/runtime/sessions/${session.id}/files/tree?path=.`],
      ["GET", `/runtime/sessions/${session.id}/preview/`],
      ["GET", `/runtime/sessions/${session.id}/terminal`],
    ];
    for (const [method, path] of routes) {
      const res = await call(method, path, { user: stranger, body: method === "POST" ? { minutes: 5 } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const ws = await call("GET", `/runtime/sessions/${session.id}/terminal`, { user: stranger, headers: { upgrade: "websocket" } });
    expect(ws.status).toBe(404);
    const listed = sessionListResponse.parse(await (await call("GET", "/api/sessions", { user: stranger })).json());
    expect(listed.sessions).toEqual([]);
  });
});

describe("sessions API: lifecycle bad paths and leases", () => {
  it("bounds keep-awake minutes and records a lease", async () => {
    const user = await createTestUser();
    const session = await createSession(user);
    for (const minutes of [-1, 481, 1.5, "10"]) {
      expect((await call("POST", `/api/sessions/${session.id}/keep-awake`, { user, body: { minutes } })).status).toBe(400);
    }
    const res = await call("POST", `/api/sessions/${session.id}/keep-awake`, { user, body: { minutes: 30 } });
    expect(res.status).toBe(200);
  });

  it("stops a never-started session as a no-op and deletes it (then 404)", async () => {
    const user = await createTestUser();
    const session = await createSession(user);
    const stopped = sessionResponse.parse(await (await call("POST", `/api/sessions/${session.id}/stop`, { user })).json());
    expect(stopped.session.state).toBe("created");
    const deleted = await call("DELETE", `/api/sessions/${session.id}`, { user });
    expect(deleted.status).toBe(200);
    expect(sessionResponse.parse(await deleted.json()).session).toMatchObject({ state: "deleted" });
    expect((await call("GET", `/api/sessions/${session.id}`, { user })).status).toBe(404);
    expect((await call("POST", `/api/sessions/${session.id}/start`, { user })).status).toBe(404);
    // The name is free again once deleted.
    await createSession(user);
  });

  it("streams events as Server-Sent Events", async () => {
    const user = await createTestUser();
    const session = await createSession(user);
    const res = await call("GET", `/api/sessions/${session.id}/events`, { user });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await call("POST", `/api/sessions/${session.id}/keep-awake`, { user, body: { minutes: 10 } });
    let text = "";
    const decoder = new TextDecoder();
    while (!text.includes("event: info")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    expect(text).toContain("kept awake for 10 min");
  });
});

describe("runtime routes: access checks before any traffic", () => {
  it("needs sign-in and runtime.access; a viewer gets 403", async () => {
    const owner = await createTestUser();
    const session = await createSession(owner);
    expect((await call("GET", `/runtime/sessions/${session.id}/files/tree?path=.`)).status).toBe(401);
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await call("GET", `/runtime/sessions/${session.id}/files/tree?path=.`, { user: viewer })).status).toBe(403);
    expect((await call("GET", `/runtime/sessions/${session.id}/nope`, { user: owner })).status).toBe(404);
    expect((await call("GET", `/runtime/sessions/${session.id}/terminal/extra`, { user: owner })).status).toBe(404);
  });

  it("refuses path traversal in the file API before it reaches the runtime", async () => {
    const user = await createTestUser();
    const session = await createSession(user);
    for (const q of ["path=../etc/passwd", "path=a/../../b", "from=ok&to=../../x", "path=%00"]) {
      const res = await call("GET", `/runtime/sessions/${session.id}/files/content?${q}`, { user });
      expect(res.status, q).toBe(400);
    }
  });

  it("refuses a cookie WebSocket from another origin and cookie file writes without CSRF", async () => {
    const user = await createTestUser();
    const session = await createSession(user);
    const browser = await issueSignIn(env, { userId: user.userId, kind: "browser", workspaceId: user.workspaceId });
    const cookie = `bf_session=${browser.token}; bf_csrf=abc`;
    const evil = await call("GET", `/runtime/sessions/${session.id}/terminal`, {
      headers: { cookie, upgrade: "websocket", origin: "https://evil.example" },
    });
    expect(evil.status).toBe(403);
    const write = await call("PUT", `/runtime/sessions/${session.id}/files/content?path=a.txt`, { body: "x", headers: { cookie } });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { error: { code: string } }).error.code).toBe("csrf_failed");
  });

  it("takes only a single-use ssh token for the same session on /ssh", async () => {
    const user = await createTestUser();
    const session = await createSession(user, "a");
    const other = await createSession(user, "b");
    expect((await call("GET", `/runtime/sessions/${session.id}/ssh`, { user })).status).toBe(401);
    const issue = await call("POST", `/api/sessions/${other.id}/ssh-token`, { user });
    expect(issue.status).toBe(200);
    const token = sshTokenSchema.parse(await issue.json());
    expect(token.token.startsWith("bfs_")).toBe(true);
    expect(new Date(token.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // A token for session b does not open session a, and it is spent by the attempt.
    expect((await call("GET", `/runtime/sessions/${session.id}/ssh?token=${token.token}`)).status).toBe(404);
    expect((await call("GET", `/runtime/sessions/${other.id}/ssh?token=${token.token}`)).status).toBe(401);
    const stored = await env.KV.list({ prefix: "ssh-token:" });
    expect(stored.keys.some((k) => k.name.includes(token.token))).toBe(false);
  });
});
