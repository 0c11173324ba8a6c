import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { agentExec, agentFetch, useTestHost } from "../helpers/host";

describe("runtime host: kept workspace across a stop", () => {
  const ctx = useTestHost();

  it("seals a stopped runtime's folder for one snapshot and hands it back only to that runtime and snapshot", async () => {
    const first = await ctx.host.start("keep-a", { persistedPaths: ["work"] });
    expect((await agentExec(first, "mkdir -p work && echo kept > work/note.txt")).code).toBe(0);
    const prepared = (await (await agentFetch(first, "/snapshot/manifest", { method: "POST", body: "" })).json()) as { manifest: unknown };
    const keep = (body: unknown, id = "keep-a") => ctx.host.request(`/runtimes/${id}/keep`, { method: "POST", body: JSON.stringify(body) });
    const body = { snapshotId: "snap_1", persistedPaths: ["work"], manifest: prepared.manifest };

    // No secret → 401; a running runtime is never sealed.
    expect((await fetch(`${ctx.host.url}/runtimes/keep-a/keep`, { method: "POST", body: JSON.stringify(body) })).status).toBe(401);
    expect(await (await keep(body)).json()).toMatchObject({ kept: false, reason: "the runtime is running" });
    expect((await keep({ snapshotId: "x" })).status).toBe(400);

    expect((await ctx.host.request("/runtimes/keep-a", { method: "DELETE" })).status).toBe(204);
    expect(await (await keep(body)).json()).toEqual({ kept: true });

    // Another runtime asking for that snapshot gets a fresh, empty folder.
    const other = await ctx.host.start("keep-b", { reuse: { snapshotId: "snap_1" } });
    expect(other.reusedWorkspace).toBeUndefined();
    expect((await agentExec(other, "ls -A | wc -l")).output.trim()).toBe("0");

    const again = await ctx.host.start("keep-a", { persistedPaths: ["work"], reuse: { snapshotId: "snap_1" } });
    expect(again.reusedWorkspace).toBe("snap_1");
    expect((await agentExec(again, "cat work/note.txt")).output).toBe("kept\n");

    // Spent: the next start without a new seal begins empty.
    expect((await ctx.host.request("/runtimes/keep-a", { method: "DELETE" })).status).toBe(204);
    const fresh = await ctx.host.start("keep-a", { persistedPaths: ["work"], reuse: { snapshotId: "snap_1" } });
    expect(fresh.reusedWorkspace).toBeUndefined();
    expect((await agentExec(fresh, "ls -A | wc -l")).output.trim()).toBe("0");

    // Discarding stops the agent and removes the folder.
    expect((await ctx.host.request("/runtimes/keep-a/workspace", { method: "DELETE" })).status).toBe(204);
    expect((await ctx.host.request("/runtimes/keep-a")).status).toBe(404);
    expect(fs.existsSync(fresh.workspaceDir)).toBe(false);
  });
});
