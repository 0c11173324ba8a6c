import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Principal } from "@burstflare/sdk/protocol/agent";
import { PROCESS_OUTPUT_KEEP, PROCESSES_MAX } from "@burstflare/sdk/protocol/automation";
import { afterAll, describe, expect, it } from "vitest";
import { ActivityTracker } from "../../src/agent/activity/activity-tracker";
import type { AgentConfig } from "../../src/agent/config";
import { ConnectionRegistry } from "../../src/agent/connections/connection-registry";
import { ProcessManager } from "../../src/agent/exec/process-manager";
import { WorkspacePaths } from "../../src/agent/files/workspace-paths";

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "bf-procs-"));
const config: AgentConfig = {
  port: 0,
  host: "127.0.0.1",
  token: "t",
  runtimeId: "test",
  workspace,
  dataDir: path.join(workspace, "..", "agent-data"),
  persistedPaths: [],
  previewPort: null,
  sshHostKeySeed: null,
  userEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
};
const registry = new ConnectionRegistry();
const manager = new ProcessManager(config, new WorkspacePaths(workspace), new ActivityTracker(), registry);
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

describe("ProcessManager", () => {
  it("keeps the last PROCESS_OUTPUT_KEEP bytes and says where kept output starts", async () => {
    const total = PROCESS_OUTPUT_KEEP + 4096;
    const p = await manager.start({ command: `head -c ${total} /dev/zero | tr '\\0' x; printf END`, env: {} });
    const done = await manager.wait(p.id, 20_000);
    expect(done).toMatchObject({ state: "exited", exitCode: 0, outputBytes: total + 3 });
    const all = manager.output(p.id, 0);
    expect(all.droppedBefore).toBe(total + 3 - PROCESS_OUTPUT_KEEP);
    expect(all.offset).toBe(all.droppedBefore);
    expect(all.nextOffset).toBe(total + 3);
    expect(all.data.length).toBe(PROCESS_OUTPUT_KEEP);
    expect(all.data.endsWith("xEND")).toBe(true);
    const tail = manager.output(p.id, total);
    expect(tail).toMatchObject({ data: "END", offset: total });
    expect(manager.output(p.id, total + 100)).toMatchObject({ data: "", offset: total + 3 });
  });

  it("runs argv without a shell, in a cwd inside the workspace, and refuses one outside", async () => {
    fs.mkdirSync(path.join(workspace, "sub"), { recursive: true });
    const p = await manager.start({ argv: ["pwd"], cwd: "sub", env: {} });
    await manager.wait(p.id, 10_000);
    expect(manager.output(p.id, 0).data.trim()).toBe(fs.realpathSync(path.join(workspace, "sub")));
    await expect(manager.start({ argv: ["pwd"], cwd: "../..", env: {} })).rejects.toMatchObject({ code: "bad_request" });
    const missing = await manager.start({ argv: ["no-such-program-here"], env: {} });
    expect(await manager.wait(missing.id, 10_000)).toMatchObject({ state: "exited", exitCode: 127 });
  });

  it("signals the whole process group; a wait that runs out answers the running process", async () => {
    const p = await manager.start({ command: "sleep 30 & sleep 30; wait", env: {} });
    expect((await manager.wait(p.id, 100)).state).toBe("running");
    manager.signal(p.id, "SIGKILL");
    expect(await manager.wait(p.id, 10_000)).toMatchObject({ state: "exited", signal: "SIGKILL" });
    expect(() => manager.signal(p.id, "SIGTERM")).toThrow(/exited/);
    expect(() => manager.get("prc_missing0")).toThrow(/no such process/);
    expect(manager.list().map((x) => x.id)).toContain(p.id);
  });

  it("keeps each user's processes to that user, and one user filling the cap does not stop another", async () => {
    const shared = new ProcessManager(config, new WorkspacePaths(workspace), new ActivityTracker(), new ConnectionRegistry());
    const mine = [];
    for (let i = 0; i < PROCESSES_MAX; i++) mine.push(await shared.start({ argv: ["sleep", "30"], env: {} }, "usr_member"));
    await expect(shared.start({ argv: ["sleep", "30"], env: {} }, "usr_member")).rejects.toMatchObject({ code: "rate_limited" });
    const owners = await shared.start({ argv: ["sleep", "30"], env: {} }, "usr_owner");
    expect(shared.list("usr_owner").map((p) => p.id)).toEqual([owners.id]);
    expect(shared.list("usr_member")).toHaveLength(PROCESSES_MAX);
    expect(() => shared.output(owners.id, 0, "usr_member")).toThrow(/no such process/);
    expect(() => shared.signal(owners.id, "SIGKILL", "usr_member")).toThrow(/no such process/);
    for (const p of [...mine, owners]) shared.signal(p.id, "SIGKILL", p === owners ? "usr_owner" : "usr_member");
    await Promise.all(mine.map((p) => shared.wait(p.id, 10_000, "usr_member")));
    // Exited processes make room again.
    await shared.start({ argv: ["true"], env: {} }, "usr_member");
  });
});

/** Running, not a zombie waiting for whoever inherited it to reap it. */
const alive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

const principal = (userId: string, kind: "sign_in" | "api_token", id: string): Principal => ({
  connectionId: `conn_${id}`,
  userId,
  credential: { kind, id },
});

describe("ProcessManager under revocation", () => {
  it("ends the processes a revoked credential started, with their background jobs, and keeps the others", async () => {
    const tokenPrincipal = principal("usr_a", "api_token", "tok_1");
    const signInPrincipal = principal("usr_a", "sign_in", "ses_1");
    // A shell with a background job in the same session: the revocation must reach the job too.
    const revoked = await manager.start({ command: "sleep 300 & echo $! > bg.pid; wait", env: {} }, "usr_a", tokenPrincipal);
    const kept = await manager.start({ command: "sleep 300", env: {} }, "usr_a", signInPrincipal);
    const bgFile = path.join(workspace, "bg.pid");
    await expect.poll(() => fs.existsSync(bgFile) && fs.readFileSync(bgFile, "utf8").trim() !== "").toBe(true);
    const bgPid = Number(fs.readFileSync(bgFile, "utf8"));
    expect(alive(bgPid)).toBe(true);

    const result = registry.close({ credential: tokenPrincipal.credential });
    expect(result.closed).toEqual([tokenPrincipal.connectionId]);
    const ended = await manager.wait(revoked.id, 10_000, "usr_a");
    expect(ended).toMatchObject({ state: "exited", signal: "SIGKILL" });
    await expect.poll(() => alive(bgPid)).toBe(false);
    expect(manager.get(kept.id, "usr_a").state).toBe("running");

    // The user losing access ends the rest of their work.
    registry.close({ userId: "usr_a", lostAccess: true });
    expect(await manager.wait(kept.id, 10_000, "usr_a")).toMatchObject({ state: "exited", signal: "SIGKILL" });
  });

  it("a job the process left in the background after it exited still ends with the revoked credential", async () => {
    const p = principal("usr_c", "api_token", "tok_3");
    const pidFile = path.join(workspace, "left-behind.pid");
    const leaver = await manager.start({ command: `nohup sleep 300 >/dev/null 2>&1 & echo $! > ${pidFile}`, env: {} }, "usr_c", p);
    expect(await manager.wait(leaver.id, 10_000, "usr_c")).toMatchObject({ state: "exited", exitCode: 0 });
    const jobPid = Number(fs.readFileSync(pidFile, "utf8"));
    expect(alive(jobPid)).toBe(true);
    expect(registry.close({ credential: p.credential }).closed).toEqual([p.connectionId]);
    await expect.poll(() => alive(jobPid)).toBe(false);
  });

  it("forgets a process once it exits, so a later revocation names nothing", async () => {
    const p = principal("usr_b", "api_token", "tok_2");
    const done = await manager.start({ command: "true", env: {} }, "usr_b", p);
    await manager.wait(done.id, 10_000, "usr_b");
    await expect.poll(() => registry.close({ credential: p.credential }).closed).toEqual([]);
  });
});
