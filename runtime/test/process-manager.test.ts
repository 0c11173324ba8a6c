import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROCESS_OUTPUT_KEEP, PROCESSES_MAX } from "../../sdk/protocol/automation";
import { ActivityTracker } from "../src/agent/activity/activity-tracker";
import type { AgentConfig } from "../src/agent/config";
import { ProcessManager } from "../src/agent/exec/process-manager";
import { WorkspacePaths } from "../src/agent/files/workspace-paths";

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
const manager = new ProcessManager(config, new WorkspacePaths(workspace), new ActivityTracker());
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
    const shared = new ProcessManager(config, new WorkspacePaths(workspace), new ActivityTracker());
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
