import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentExec, agentFetch, startTestHost, useTestHost } from "../helpers/host";
import { waitFor } from "../helpers/wait";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("runtime host", () => {
  const ctx = useTestHost();

  it("answers /health without the secret and refuses everything else without it", async () => {
    const health = await fetch(`${ctx.host.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const res = await fetch(`${ctx.host.url}/runtimes`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    const wrong = await fetch(`${ctx.host.url}/runtimes`, { headers: { "x-runtime-secret": "nope" } });
    expect(wrong.status).toBe(401);
  });

  it("validates the start body and runtime ids", async () => {
    const bad = await ctx.host.request("/runtimes", { method: "POST", body: JSON.stringify({ runtimeId: "../etc" }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "validation_failed" } });
    const notJSON = await ctx.host.request("/runtimes", { method: "POST", body: "{" });
    expect(notJSON.status).toBe(400);
    expect((await ctx.host.request("/runtimes/a%2Fb")).status).toBe(400);
    expect((await ctx.host.request("/runtimes/nobody")).status).toBe(404);
  });

  it("starts one agent per runtime id, idempotently, and lists it", async () => {
    const infos = await Promise.all(Array.from({ length: 5 }, () => ctx.host.start("idem")));
    expect(new Set(infos.map((i) => i.pid)).size).toBe(1);
    expect(new Set(infos.map((i) => i.agentToken)).size).toBe(1);
    const info = infos[0]!;
    expect(info.workspaceDir).toBe(`${ctx.host.dataDir}/idem/workspace`);
    const health = await agentFetch(info, "/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, runtimeId: "idem" });
    const noToken = await fetch(`${info.agentURL}/health`);
    expect(noToken.status).toBe(401);
    const list = (await (await ctx.host.request("/runtimes")).json()) as { runtimes: { runtimeId: string }[] };
    expect(list.runtimes.map((r) => r.runtimeId)).toContain("idem");
    expect(await (await ctx.host.request("/runtimes/idem")).json()).toEqual(info);
  });

  it("notices a killed agent at once and restarts it keeping the workspace unless fresh", async () => {
    const first = await ctx.host.start("crash");
    expect((await agentExec(first, "echo kept > note.txt")).code).toBe(0);
    const kill = await ctx.host.request("/runtimes/crash/kill", { method: "POST" });
    expect(kill.status).toBe(204);
    expect((await ctx.host.request("/runtimes/crash")).status).toBe(404);
    await waitFor(() => !processAlive(first.pid), "agent process gone");
    await expect(fetch(`${first.agentURL}/health`)).rejects.toThrow();
    expect((await ctx.host.request("/runtimes/crash/kill", { method: "POST" })).status).toBe(404);

    const second = await ctx.host.start("crash", { fresh: false });
    expect(second.pid).not.toBe(first.pid);
    expect((await agentExec(second, "cat note.txt")).output).toBe("kept\n");
    expect((await ctx.host.request("/runtimes/crash", { method: "DELETE" })).status).toBe(204);
    const third = await ctx.host.start("crash");
    expect((await agentExec(third, "ls -A | wc -l")).output.trim()).toBe("0");
  });

  it("detects an agent that dies on its own", async () => {
    const info = await ctx.host.start("suicide");
    // info.pid is the process the host spawned; in the sandbox the agent is its child (pid 1 of its namespace).
    const children = fs.readFileSync(`/proc/${info.pid}/task/${info.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    process.kill(Number(children[0] ?? info.pid), "SIGKILL");
    await waitFor(async () => (await ctx.host.request("/runtimes/suicide")).status === 404, "runtime reported gone");
  });

  it("stops an agent with DELETE and is idempotent", async () => {
    const info = await ctx.host.start("stopme");
    expect((await ctx.host.request("/runtimes/stopme", { method: "DELETE" })).status).toBe(204);
    expect((await ctx.host.request("/runtimes/stopme")).status).toBe(404);
    expect(processAlive(info.pid)).toBe(false);
    expect((await ctx.host.request("/runtimes/stopme", { method: "DELETE" })).status).toBe(204);
  });

  it("ends concurrent starts and stops with exactly one agent", async () => {
    const pids = new Set<number>();
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        if (i % 3 === 1) expect((await ctx.host.request("/runtimes/churn", { method: "DELETE" })).status).toBe(204);
        else pids.add((await ctx.host.start("churn", { fresh: false })).pid);
      }),
    );
    const final = await ctx.host.start("churn", { fresh: false });
    pids.add(final.pid);
    await waitFor(() => [...pids].filter(processAlive).length === 1, "one agent left");
    expect([...pids].filter(processAlive)).toEqual([final.pid]);
    const list = (await (await ctx.host.request("/runtimes")).json()) as { runtimes: { runtimeId: string }[] };
    expect(list.runtimes.filter((r) => r.runtimeId === "churn")).toHaveLength(1);
    expect((await agentFetch(final, "/health")).status).toBe(200);
  });

  it("keeps runtimes out of each other's workspaces when running as root", async () => {
    const health = (await (await fetch(`${ctx.host.url}/health`)).json()) as { sandbox: string };
    const a = await ctx.host.start("iso-a");
    const b = await ctx.host.start("iso-b");
    await agentExec(b, "echo secret > private.txt");
    const peek = await agentExec(a, `cat ${b.workspaceDir}/private.txt`);
    if (process.getuid?.() === 0) {
      expect(health.sandbox).toBe("uid");
      expect(peek.code).not.toBe(0);
      // Another runtime's folder is either closed (0700, another uid) or not in this runtime's view at all.
      expect(peek.output).toMatch(/Permission denied|No such file or directory/);
      expect(peek.output).not.toContain("secret");
      // Own PID namespace: the runtime sees only its own processes.
      expect((await agentExec(a, "ps -e -o pid= | wc -l")).output.trim()).toMatch(/^[1-6]$/);
    } else {
      expect(health.sandbox).toBe("plain");
    }
  });
});

describe("runtime host data dir", () => {
  it("runs sandboxed agents even when a folder above the data dir is private (as wrangler makes .wrangler/)", async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "bf-private-"));
    fs.chmodSync(parent, 0o700);
    const private_ = await startTestHost({ dataDir: path.join(parent, "runtimes") });
    try {
      const info = await private_.start("behind-private-parent");
      const out = await agentExec(info, "echo ok > proof.txt && cat proof.txt");
      expect(out).toEqual({ output: "ok\n", code: 0 });
      // Search permission only: others may pass through, not list.
      expect(fs.statSync(parent).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o701 : 0o700);
    } finally {
      await private_.stop();
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe("runtime host lifetime", () => {
  it("takes its agents down when it is stopped or killed", async () => {
    const host = await startTestHost();
    const info = await host.start("lifetime");
    await host.stop();
    await waitFor(() => !processAlive(info.pid), "agent gone after host SIGTERM");

    const host2 = await startTestHost();
    const info2 = await host2.start("lifetime");
    process.kill(host2.process.pid!, "SIGKILL");
    await waitFor(() => !processAlive(info2.pid), "agent gone after host SIGKILL");
    await host2.stop();
  });
});
