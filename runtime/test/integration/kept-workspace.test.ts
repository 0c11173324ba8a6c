import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildManifest } from "../../src/agent/snapshot/manifest";
import { KEPT_MAX_AGE_MS, keepWorkspace, sweepKept, takeKept } from "../../src/host/kept-workspace";

describe("kept workspace folders (local host, across a stop)", () => {
  let dataDir: string;
  let hostDir: string;
  let ws: string;
  const id = "sess_kept";
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bf-kept-"));
    hostDir = path.join(dataDir, ".host");
    ws = path.join(dataDir, id, "workspace");
    fs.mkdirSync(hostDir);
    fs.mkdirSync(path.join(ws, "work/sub"), { recursive: true });
    fs.writeFileSync(path.join(ws, "work/a.txt"), "a\n");
    fs.writeFileSync(path.join(ws, "work/sub/b.bin"), Buffer.alloc(5000, 7));
    fs.symlinkSync("a.txt", path.join(ws, "work/link"));
    fs.writeFileSync(path.join(ws, "scratch.txt"), "not persisted\n");
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const seal = async (snapshotId = "snap_1") =>
    keepWorkspace(hostDir, id, ws, { snapshotId, persistedPaths: ["work"], manifest: await buildManifest(ws, ["work"], null) });

  it("seals a folder equal to the snapshot's manifest, drops what is outside the persisted paths, and hands it back once for that snapshot only", async () => {
    expect(await seal()).toEqual({ kept: true });
    expect(fs.existsSync(path.join(ws, "scratch.txt"))).toBe(false);
    expect(takeKept(hostDir, id, ws, "snap_other")).toBe(false);
    // The wrong id spent the seal: even the right one is refused now.
    expect(takeKept(hostDir, id, ws, "snap_1")).toBe(false);
    expect(await seal()).toEqual({ kept: true });
    expect(takeKept(hostDir, "sess_someone_else", path.join(dataDir, "sess_someone_else", "workspace"), "snap_1")).toBe(false);
    expect(takeKept(hostDir, id, ws, "snap_1")).toBe(true);
    expect(takeKept(hostDir, id, ws, "snap_1")).toBe(false);
  });

  it("refuses to seal a folder written after the manifest was taken", async () => {
    const manifest = await buildManifest(ws, ["work"], null);
    fs.appendFileSync(path.join(ws, "work/a.txt"), "later\n");
    expect(keepWorkspace(hostDir, id, ws, { snapshotId: "s", persistedPaths: ["work"], manifest })).toMatchObject({ kept: false });
    const before = await buildManifest(ws, ["work"], null);
    fs.writeFileSync(path.join(ws, "work/new.txt"), "new");
    expect(keepWorkspace(hostDir, id, ws, { snapshotId: "s", persistedPaths: ["work"], manifest: before })).toMatchObject({ kept: false });
    fs.rmSync(path.join(ws, "work/new.txt"));
    fs.rmSync(path.join(ws, "work/sub/b.bin"));
    expect(keepWorkspace(hostDir, id, ws, { snapshotId: "s", persistedPaths: ["work"], manifest: before })).toMatchObject({ kept: false });
    expect(takeKept(hostDir, id, ws, "s")).toBe(false);
  });

  it("a write to the sealed folder (even one that keeps size and mtime) voids the seal", async () => {
    expect(await seal()).toEqual({ kept: true });
    const file = path.join(ws, "work/a.txt");
    const { atime, mtime } = fs.statSync(file);
    fs.writeFileSync(file, "b\n");
    fs.utimesSync(file, atime, mtime);
    expect(takeKept(hostDir, id, ws, "snap_1")).toBe(false);
  });

  it("the host's start sweep removes unsealed and expired folders and keeps sealed ones", async () => {
    expect(await seal()).toEqual({ kept: true });
    const other = path.join(dataDir, "sess_unsealed", "workspace");
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, "f"), "x");
    sweepKept(hostDir, dataDir);
    expect(fs.existsSync(other)).toBe(false);
    expect(fs.existsSync(path.join(ws, "work/a.txt"))).toBe(true);
    sweepKept(hostDir, dataDir, undefined, Date.now() + KEPT_MAX_AGE_MS + 1);
    expect(fs.existsSync(ws)).toBe(false);
    expect(takeKept(hostDir, id, ws, "snap_1")).toBe(false);
  });
});
