import { describe, expect, it } from "vitest";
import { api, createSession, expectOK } from "./helpers/api";
import { createStackUser } from "./helpers/users";

interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  truncated: { stdout: boolean; stderr: boolean };
  bytes: { stdout: number; stderr: number };
  durationMs: number;
}

const exec = async (user: Parameters<typeof api>[0], id: string, body: Record<string, unknown>) =>
  (await expectOK(await api(user, "POST /api/sessions/{sessionId}/exec", { params: { sessionId: id }, body }))) as ExecResult;

describe("POST /api/sessions/:id/exec", () => {
  it("runs argv and shell strings with cwd, env and stdin, and audits every exec", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "exec" });
    const shell = await exec(owner, session.id, {
      command: 'mkdir -p sub && cd sub && echo "out:$GREETING:$(cat)" && echo err >&2; exit 3',
      env: { GREETING: "hello" },
      stdin: "piped",
    });
    expect(shell).toMatchObject({ exitCode: 3, timedOut: false, stdout: "out:hello:piped\n", stderr: "err\n" });
    expect(shell.truncated).toEqual({ stdout: false, stderr: false });
    const argv = await exec(owner, session.id, { argv: ["pwd"], cwd: "sub" });
    expect(argv.exitCode).toBe(0);
    expect(argv.stdout.trim().endsWith("/sub")).toBe(true);
    // argv runs no shell: `$HOME` stays literal.
    expect((await exec(owner, session.id, { argv: ["echo", "$HOME"] })).stdout).toBe("$HOME\n");
    const log = (await expectOK(await api(owner, "GET /api/audit", { query: { limit: 50 } }))) as {
      entries: { action: string; targetId: string }[];
    };
    const execs = log.entries.filter((e) => e.action === "session.exec" && e.targetId === session.id);
    expect(execs.length).toBe(3);
  });

  it("refuses bad input with 400: reserved env names, both or neither command, a cwd outside the workspace", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "exec-bad" });
    for (const body of [
      { command: "true", env: { LD_PRELOAD: "/x.so" } },
      { command: "true", env: { PATH: "/tmp" } },
      { command: "true", argv: ["true"] },
      {},
      { command: "true", timeoutMs: 0 },
    ]) {
      const res = await api(owner, "POST /api/sessions/{sessionId}/exec", { params: { sessionId: session.id }, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
    const outside = await api(owner, "POST /api/sessions/{sessionId}/exec", {
      params: { sessionId: session.id },
      body: { command: "true", cwd: "../.." },
    });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe("bad_request");
  });

  it("answers 403 to a viewer and 404 for another workspace's session", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "exec-roles", start: false });
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const stranger = await createStackUser();
    const asViewer = await api(viewer, "POST /api/sessions/{sessionId}/exec", {
      params: { sessionId: session.id },
      body: { command: "true" },
    });
    expect(asViewer.status).toBe(403);
    const asStranger = await api(stranger, "POST /api/sessions/{sessionId}/exec", {
      params: { sessionId: session.id },
      body: { command: "true" },
    });
    expect(asStranger.status).toBe(404);
    const noAuth = await api(null, "POST /api/sessions/{sessionId}/exec", { params: { sessionId: session.id }, body: { command: "true" } });
    expect(noAuth.status).toBe(401);
  });

  it("kills a command at its timeout and caps output with a marker", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "exec-limits" });
    const slow = await exec(owner, session.id, { command: "echo started; sleep 30; echo never", timeoutMs: 500 });
    expect(slow).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true, stdout: "started\n" });
    expect(slow.durationMs).toBeLessThan(10_000);
    const loud = await exec(owner, session.id, { command: "head -c 5000 /dev/zero | tr '\\0' a; echo tail >&2", maxOutputBytes: 1000 });
    expect(loud.exitCode).toBe(0);
    expect(loud.truncated).toEqual({ stdout: true, stderr: false });
    expect(loud.bytes.stdout).toBe(5000);
    expect(loud.stdout.startsWith("a".repeat(1000))).toBe(true);
    expect(loud.stdout.slice(1000)).toBe("\n[burstflare: output truncated, 4000 more bytes not shown]\n");
    expect(loud.stderr).toBe("tail\n");
  });

  it("streams output chunks and the exit as Server-Sent Events", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "exec-stream" });
    const res = await api(owner, "POST /api/sessions/{sessionId}/exec", {
      params: { sessionId: session.id },
      body: { command: "echo one; sleep 0.2; echo two >&2; exit 7", stream: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    const events = text
      .split("\n\n")
      .filter(Boolean)
      .map((block) => {
        const type = /^event: (.+)$/m.exec(block)?.[1];
        const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "null");
        return { type, data };
      });
    expect(events.map((e) => e.type)).toEqual(["stdout", "stderr", "exit"]);
    expect(events[0]?.data.data).toBe("one\n");
    expect(events[1]?.data.data).toBe("two\n");
    expect(events[2]?.data.exitCode).toBe(7);
  });
});
