import type { ProcessInfo, ProcessOutput } from "@burstflare/sdk/protocol/automation";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, getSession, req, send, until } from "./helpers/api";
import { createSessionWithManifest } from "./helpers/templates";
import { createStackUser } from "./helpers/users";

describe("background processes", () => {
  it("keep running after the starting request is gone; list, output from an offset, wait", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "procs" });
    // The start request is made on its own connection and then torn down.
    const abort = new AbortController();
    const res = await api(owner, "POST /api/sessions/{sessionId}/processes", {
      params: { sessionId: session.id },
      headers: { connection: "close" },
      body: { command: "for i in 1 2 3 4 5; do echo tick $i; sleep 0.3; done; echo done >&2" },
      signal: abort.signal,
    });
    const started = (await expectOK(res, 201)) as ProcessInfo;
    abort.abort();
    expect(started).toMatchObject({ state: "running", command: expect.stringContaining("tick"), exitCode: null });
    expect(started.pid).toBeGreaterThan(0);
    const list = (await expectOK(await api(owner, "GET /api/sessions/{sessionId}/processes", { params: { sessionId: session.id } }))) as {
      processes: ProcessInfo[];
    };
    const listed = list.processes.find((p) => p.id === started.id);
    expect(listed).toMatchObject({ pid: started.pid, startedAt: started.startedAt });
    // Output so far, then only what came after.
    const first = await until(async () => {
      const out = (await expectOK(
        await api(owner, "GET /api/sessions/{sessionId}/processes/{processId}/output", {
          params: { sessionId: session.id, processId: started.id },
        }),
      )) as ProcessOutput;
      return out.data.includes("tick 1") ? out : null;
    }, "the first tick");
    const waited = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/wait", {
        params: { sessionId: session.id, processId: started.id },
        query: { timeoutMs: 20000 },
      }),
    )) as ProcessInfo;
    expect(waited).toMatchObject({ state: "exited", exitCode: 0, signal: null });
    const rest = (await expectOK(
      await api(owner, "GET /api/sessions/{sessionId}/processes/{processId}/output", {
        params: { sessionId: session.id, processId: started.id },
        query: { offset: first.nextOffset },
      }),
    )) as ProcessOutput;
    expect(rest.offset).toBe(first.nextOffset);
    expect(first.data + rest.data).toBe("tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ndone\n");
    expect(rest.state).toBe("exited");
  });

  it("signals a process group and reports how it ended; unknown ids are 404", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "procs-signal" });
    const p = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/processes", { params: { sessionId: session.id }, body: { argv: ["sleep", "60"] } }),
      201,
    )) as ProcessInfo;
    // A caller that gives up while waiting takes nothing with it: the agent holds the process.
    const gaveUp = new AbortController();
    const waiting = api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/wait", {
      params: { sessionId: session.id, processId: p.id },
      query: { timeoutMs: 30000 },
      signal: gaveUp.signal,
    }).catch((err: Error) => err);
    setTimeout(() => gaveUp.abort(), 300);
    expect(await waiting).toBeInstanceOf(Error);
    const notYet = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/wait", {
        params: { sessionId: session.id, processId: p.id },
        query: { timeoutMs: 200 },
      }),
    )) as ProcessInfo;
    expect(notYet.state).toBe("running");
    await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/signal", {
        params: { sessionId: session.id, processId: p.id },
        body: { signal: "SIGTERM" },
      }),
    );
    const ended = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/wait", {
        params: { sessionId: session.id, processId: p.id },
        query: { timeoutMs: 10000 },
      }),
    )) as ProcessInfo;
    expect(ended).toMatchObject({ state: "exited", exitCode: null, signal: "SIGTERM" });
    const again = await api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/signal", {
      params: { sessionId: session.id, processId: p.id },
      body: { signal: "SIGKILL" },
    });
    expect(again.status).toBe(409);
    expect(
      (
        await api(owner, "GET /api/sessions/{sessionId}/processes/{processId}", {
          params: { sessionId: session.id, processId: "prc_nosuchprocess" },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/signal", {
          params: { sessionId: session.id, processId: p.id },
          body: { signal: "SIGBOGUS" },
        })
      ).status,
    ).toBe(400);
  });

  it("answers 403 to a viewer and 404 to another workspace", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "procs-roles", start: false });
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const stranger = await createStackUser();
    for (const request of [
      req("GET /api/sessions/{sessionId}/processes", { params: { sessionId: session.id } }),
      req("POST /api/sessions/{sessionId}/processes", { params: { sessionId: session.id }, body: { command: "true" } }),
    ]) {
      expect((await send(viewer, request)).status, request.label).toBe(403);
      expect((await send(stranger, request)).status, request.label).toBe(404);
    }
  });
});

describe("idle timer", () => {
  it("a running exec holds a short idle timeout; the session sleeps once it is done", async () => {
    const owner = await createStackUser();
    const session = await createSessionWithManifest(owner, { persistedPaths: [], idleTimeoutSeconds: 5 }, { name: "exec-idle" });
    // Silent for longer than the idle timeout: the command is the activity.
    const res = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/exec", {
        params: { sessionId: session.id },
        body: { command: "sleep 12; echo still-here", timeoutMs: 30_000 },
      }),
    )) as { exitCode: number; stdout: string };
    expect(res).toMatchObject({ exitCode: 0, stdout: "still-here\n" });
    await until(async () => (await getSession(owner, session.id)).state === "sleeping", "the session to sleep after the exec", 60_000);
  });
});
