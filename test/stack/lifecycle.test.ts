import type { SessionState } from "@burstflare/sdk/states";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, getSession, runtimeApi, sessionAction, until } from "./helpers/api";
import { killRuntime, processAlive, runtimesOf } from "./helpers/runtime-host";
import { putFile } from "./helpers/snapshot-tree";
import { sessionWithUnsavedWork } from "./helpers/snapshots";
import { readSSE } from "./helpers/sse";
import { createSessionWithManifest } from "./helpers/templates";
import { TerminalClient } from "./helpers/terminal";
import { createStackUser, type StackUser } from "./helpers/users";

async function readFile(user: StackUser, sessionId: string, path: string): Promise<{ status: number; text: string }> {
  const res = await runtimeApi(user, "GET", sessionId, "files/content", { query: { path } });
  return { status: res.status, text: await res.text() };
}

describe("session lifecycle on the local driver", () => {
  it("stop → start keeps files in persisted paths, and the events stream shows the flush", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "persist" });
    await putFile(user, session.id, "notes/keep.txt", "kept across stop");
    const events = await api(user, "GET /api/sessions/{sessionId}/events", { params: { sessionId: session.id } });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    const stopped = await sessionAction(user, session.id, "stop");
    expect(stopped).toMatchObject({ state: "stopped", lastLifecyclePhase: "stopped", runtimeStatus: "stopped" });
    expect(await runtimesOf(session.id)).toEqual([]);
    const seen = await readSSE(events, (text) => text.includes('"state":"stopped"'));
    expect(seen).toMatch(/"state":"stopping","stateVersion":\d+,"phase":"flushing"/);
    const started = await sessionAction(user, session.id, "start");
    expect(started.state).toBe("running");
    expect(started.stateVersion).toBeGreaterThan(stopped.stateVersion);
    expect(await readFile(user, session.id, "notes/keep.txt")).toEqual({ status: 200, text: "kept across stop" });
  });

  it("sleeps after the idle timeout with a warning first, and a terminal connect wakes it", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: ["."], idleTimeoutSeconds: 5 }, { name: "sleepy" });
    await putFile(user, session.id, "before-sleep.txt", "zzz");
    const events = await api(user, "GET /api/sessions/{sessionId}/events", { params: { sessionId: session.id } });
    const detail = await getSession(user, session.id);
    expect(detail.activity).toMatchObject({ idleTimeoutSeconds: 5 });
    expect(detail.activity?.keptAwakeBy.join(" ")).toMatch(/files activity/);
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep", 30_000);
    const text = await readSSE(events, (t) => t.includes('"state":"sleeping"'));
    expect(text).toMatch(/event: warning\ndata: .*sleeping in \d+s/);
    expect(await runtimesOf(session.id)).toEqual([]);

    const term = await TerminalClient.open(session.id, user.headers);
    expect((await getSession(user, session.id)).state).toBe("running");
    term.send("cat before-sleep.txt; echo ' <-restored'\r");
    await term.waitFor("zzz <-restored");
    await term.close();
  });

  it("a keep-awake lease holds an idle session awake and says so", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: ["."], idleTimeoutSeconds: 5 }, { name: "leased" });
    const res = await api(user, "POST /api/sessions/{sessionId}/keep-awake", { params: { sessionId: session.id }, body: { minutes: 1 } });
    const body = (await expectOK(res)) as { session: { activity: { leases: unknown[]; keptAwakeBy: string[] } } };
    expect(body.session.activity.leases).toHaveLength(1);
    expect(body.session.activity.keptAwakeBy[0]).toMatch(/keep-awake lease until/);
    // Twice the idle timeout later it is still running because of the lease.
    const deadline = Date.now() + 11_000;
    while (Date.now() < deadline) {
      expect((await getSession(user, session.id)).state).toBe("running");
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  it("20 concurrent start/stop/restart calls end in one consistent state with exactly one agent", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "storm" });
    const actions = Array.from({ length: 20 }, (_, i) => (["start", "stop", "restart"] as const)[i % 3] ?? "start");
    const results = await Promise.all(
      actions.map((a) => api(user, `POST /api/sessions/{sessionId}/${a}`, { params: { sessionId: session.id } })),
    );
    for (const r of results) expect(r.status).toBe(200);
    const final = await getSession(user, session.id);
    // The last call applied is a start or restart (index 19 → "start"... in arrival order) or a stop; either way state and runtimes agree.
    expect(["running", "stopped"]).toContain(final.state);
    const runtimes = await runtimesOf(session.id);
    if (final.state === "running") {
      expect(runtimes).toHaveLength(1);
      const term = await TerminalClient.open(session.id, user.headers);
      term.send("echo alive-$((6*7))\r");
      await term.waitFor("alive-42");
      await term.close();
    } else {
      expect(runtimes).toHaveLength(0);
    }
    const versions = await Promise.all(
      results.map(async (r) => ((await r.json()) as { session: { stateVersion: number } }).session.stateVersion),
    );
    expect(Math.max(...versions)).toBeLessThanOrEqual(final.stateVersion);
  });

  it("a killed agent marks the session failed with the reason; restart recovers from the last snapshot", async () => {
    const user = await createStackUser();
    const session = await sessionWithUnsavedWork(user, "crashy");
    const [runtime] = await runtimesOf(session.id);
    expect(runtime).toBeDefined();
    await killRuntime(session.id);
    const failed = await until(async () => {
      const s = await getSession(user, session.id);
      return s.state === ("failed" satisfies SessionState) ? s : null;
    }, "failed state");
    expect(failed.failureReason).toMatch(/runtime agent/);
    expect(failed.runtimeStatus).toBe("lost");
    if (runtime) expect(processAlive(runtime.pid)).toBe(false);
    // A failed session's runtime routes answer 409 rather than hanging.
    expect((await readFile(user, session.id, "saved.txt")).status).toBe(409);

    const restarted = await sessionAction(user, session.id, "restart");
    expect(restarted).toMatchObject({ state: "running", failureReason: null });
    expect(await readFile(user, session.id, "saved.txt")).toEqual({ status: 200, text: "in the snapshot" });
    expect((await readFile(user, session.id, "unsaved.txt")).status).toBe(404);
  });
});
