import fs from "node:fs";
import path from "node:path";
import { sessionLatencyResponse } from "@burstflare/sdk/schemas/metrics";
import { describe, expect, it } from "vitest";
import { api, expectOK, getSession, sessionAction, until } from "./helpers/api";
import { discardKeptWorkspace, diskImageOf, onStoppedDisk, runtimesOf } from "./helpers/runtime-host";
import { putFile, readFile, shell, treeDigest, writeSampleTree } from "./helpers/snapshot-tree";
import { saveSnapshot } from "./helpers/snapshots";
import { createSessionWithManifest } from "./helpers/templates";
import { createStackUser, type StackUser } from "./helpers/users";

const ROOT = "work";

/** The phases of the session's newest boot, as the Session DO recorded them (GET …/latency). */
async function lastBootPhases(user: StackUser, sessionId: string, count: number): Promise<Record<string, number>> {
  const body = await until(async () => {
    const parsed = sessionLatencyResponse.parse(
      await expectOK(await api(user, "GET /api/sessions/{sessionId}/latency", { params: { sessionId } })),
    );
    return parsed.session.start.count + parsed.session.wake.count >= count ? parsed : null;
  }, `boot ${count} recorded`);
  const newest = [...body.recent].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  return newest?.phases ?? {};
}

async function workspaceDirOf(sessionId: string): Promise<string> {
  const [info] = await runtimesOf(sessionId);
  if (!info) throw new Error("no runtime");
  return info.workspaceDir;
}

describe("kept workspace across sleep and stop (local driver)", () => {
  it("sleep → wake reuses the kept folder byte-identically; a tampered or missing one falls back to the chain restore", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: [ROOT], idleTimeoutSeconds: 5 }, { name: "kept-sleep" });
    await writeSampleTree(user, session.id, ROOT);
    await shell(user, session.id, `head -c 2000000 /dev/urandom > ${ROOT}/big.bin && echo scratch > outside.txt`);
    const digest = await treeDigest(user, session.id, ROOT);
    const ws = await workspaceDirOf(session.id);
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep", 60_000);

    // Wake 1: the folder the sleep sealed is reused, nothing is unpacked.
    expect(await treeDigest(user, session.id, ROOT)).toBe(digest);
    const kept = await lastBootPhases(user, session.id, 2);
    expect(kept).toHaveProperty("kept_workspace");
    expect(kept).not.toHaveProperty("restoring_snapshot");
    // Outside the persisted paths nothing survives, as after a restore.
    expect((await readFile(user, session.id, "outside.txt")).status).toBe(404);

    // Wake 2: something wrote the kept folder while the session slept → the chain is restored.
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep 2", 60_000);
    onStoppedDisk(ws, () => fs.writeFileSync(path.join(ws, ROOT, "planted.txt"), "written while asleep\n"));
    expect(await treeDigest(user, session.id, ROOT)).toBe(digest);
    const tampered = await lastBootPhases(user, session.id, 3);
    expect(tampered).toHaveProperty("restoring_snapshot");
    expect(tampered).not.toHaveProperty("kept_workspace");
    expect((await readFile(user, session.id, `${ROOT}/planted.txt`)).status).toBe(404);

    // Wake 3: the kept folder is gone → the chain is restored.
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep 3", 60_000);
    await discardKeptWorkspace(session.id);
    expect(await treeDigest(user, session.id, ROOT)).toBe(digest);
    const missing = await lastBootPhases(user, session.id, 4);
    expect(missing).toHaveProperty("restoring_snapshot");
    expect(missing).not.toHaveProperty("kept_workspace");
  });

  it("with the whole workspace persisted, the shells end before the sleep flush: their history is saved and the kept folder still equals the snapshot", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: ["."], idleTimeoutSeconds: 5 }, { name: "kept-home" });
    // The terminal closes but its shell lives on in the agent until the runtime stops (HOME is the workspace).
    await shell(user, session.id, `echo marker-${session.id} > /dev/null && mkdir -p ${ROOT} && echo x > ${ROOT}/x.txt`);
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep", 60_000);
    const history = await readFile(user, session.id, ".bash_history");
    expect(history.bytes.toString()).toContain(`marker-${session.id}`);
    const phases = await lastBootPhases(user, session.id, 2);
    expect(phases).toHaveProperty("kept_workspace");
    expect(phases).not.toHaveProperty("restoring_snapshot");
  });

  it("a restore into a stopped session is not answered with the kept folder; deleting the session removes the folder", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: [ROOT] }, { name: "kept-restore" });
    await putFile(user, session.id, `${ROOT}/v.txt`, "one\n");
    const one = await saveSnapshot(user, session.id, "one");
    await putFile(user, session.id, `${ROOT}/v.txt`, "two\n");
    const ws = await workspaceDirOf(session.id);
    await sessionAction(user, session.id, "stop");
    expect(onStoppedDisk(ws, () => fs.readFileSync(path.join(ws, ROOT, "v.txt"), "utf8"))).toBe("two\n");
    // Restoring "one" while stopped makes a new restore point: the folder sealed for the stop flush must not be used.
    await expectOK(
      await api(user, "POST /api/sessions/{sessionId}/snapshots/{snapshotId}/restore", {
        params: { sessionId: session.id, snapshotId: one.id },
      }),
    );
    await sessionAction(user, session.id, "start");
    expect((await readFile(user, session.id, `${ROOT}/v.txt`)).bytes.toString()).toBe("one\n");
    expect(await lastBootPhases(user, session.id, 2)).toHaveProperty("restoring_snapshot");

    // Stop + start with nothing in between: the kept folder is used.
    await sessionAction(user, session.id, "stop");
    await sessionAction(user, session.id, "start");
    expect((await readFile(user, session.id, `${ROOT}/v.txt`)).bytes.toString()).toBe("one\n");
    expect(await lastBootPhases(user, session.id, 3)).toHaveProperty("kept_workspace");

    await sessionAction(user, session.id, "stop");
    expect(onStoppedDisk(ws, () => fs.existsSync(ws))).toBe(true);
    await expectOK(await api(user, "DELETE /api/sessions/{sessionId}", { params: { sessionId: session.id } }), 200);
    // The folder lives on the runtime's disk, which goes with the session.
    await until(async () => !fs.existsSync(diskImageOf(ws)), "kept folder removed with the session");
  });
});
