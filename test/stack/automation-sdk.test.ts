import { ApiError, BurstFlare, type ExecStreamEvent } from "@burstflare/sdk/automation-client";
import { describe, expect, it } from "vitest";
import { runAgentLoop } from "../../scripts/examples/agent-loop";
import { baseURL } from "./helpers/api";
import { createStackTemplate } from "./helpers/templates";
import { createStackUser } from "./helpers/users";

describe("automation SDK against the stack", () => {
  it("create → exec → stream → files → processes → snapshot → fork → stop, with typed errors", async () => {
    const user = await createStackUser();
    const bf = new BurstFlare({ baseURL: baseURL(), token: user.token });
    const templateId = await createStackTemplate(user.workspaceId, { persistedPaths: ["work"] });
    const s = await bf.sessions.create({ name: "sdk", templateId });
    expect(s.info?.state).toBe("running");

    const result = await s.exec("echo hi; echo oops >&2; exit 2");
    expect(result).toMatchObject({ exitCode: 2, stdout: "hi\n", stderr: "oops\n" });
    expect((await s.exec(["printf", "%s", "a b"])).stdout).toBe("a b");

    const events: ExecStreamEvent[] = [];
    for await (const event of s.execStream("for i in 1 2 3; do echo line $i; done")) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "exit", exitCode: 0 });
    expect(
      events
        .filter((e) => e.type === "stdout")
        .map((e) => (e.type === "stdout" ? e.data : ""))
        .join(""),
    ).toBe("line 1\nline 2\nline 3\n");

    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await s.files.write("work/data.bin", bytes);
    await s.files.write("work/notes.txt", "written by the SDK\n");
    expect(Buffer.from(await s.files.read("work/data.bin")).equals(Buffer.from(bytes))).toBe(true);
    expect(await s.files.readText("work/notes.txt")).toBe("written by the SDK\n");
    expect((await s.files.list("work")).map((e) => e.name).sort()).toEqual(["data.bin", "notes.txt"]);

    const p = await s.processes.start("sleep 0.2; echo bg-done");
    const done = await s.processes.wait(p.id, 10_000);
    expect(done).toMatchObject({ state: "exited", exitCode: 0 });
    expect((await s.processes.output(p.id)).data).toBe("bg-done\n");

    const snap = await s.snapshot("from-sdk");
    expect(snap.status).toBe("ready");
    const f = await s.fork("sdk-fork");
    expect(await f.files.readText("work/notes.txt")).toBe("written by the SDK\n");

    const err = await s.exec("true", { env: { LD_PRELOAD: "x" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("validation_failed");
    const missing = await bf.sessions
      .attach("ses_doesnotexist0000")
      .exec("true")
      .catch((e: unknown) => e);
    expect((missing as ApiError).code).toBe("not_found");

    expect((await f.stop()).state).toBe("stopped");
    expect((await s.stop()).state).toBe("stopped");
    // A sleeping session wakes for exec; a stopped one is the caller's to start.
    const stopped = await s.exec("true").catch((e: unknown) => e);
    expect((stopped as ApiError).code).toBe("invalid_state");
    await f.delete();
  });

  it("runs the agent loop of docs/automation.md (scripts/examples/agent-loop.ts)", async () => {
    const user = await createStackUser();
    const report = await runAgentLoop(new BurstFlare({ baseURL: baseURL(), token: user.token }), "loop");
    expect(report).toMatchObject({ steps: 4, summary: "tests pass: PASS", forkIsolated: true });
    expect(report.snapshotId).toMatch(/^snap_/);
  });
});
