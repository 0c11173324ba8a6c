import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WorkspacePaths } from "../../src/agent/files/workspace-paths";
import { extractStreamNative, findGnuTar } from "../../src/agent/snapshot/native-unpack";
import { SnapshotService } from "../../src/agent/snapshot/snapshot-service";
import { LINKS_LEAVING_TOGETHER, makeArchive, rawArchive, rawData, rawHeader, type TestEntry } from "../helpers/archive";
import { hashTree } from "../helpers/tree";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function* chunks(body: Buffer, size = 7_777): AsyncGenerator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

describe("streamed snapshot import through GNU tar (the gate checks every header first)", () => {
  let dir: string;
  let ws: string;
  let outside: string;
  let svc: SnapshotService;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bf-unpack-"));
    ws = path.join(dir, "workspace");
    outside = path.join(dir, "outside");
    fs.mkdirSync(ws);
    fs.mkdirSync(outside);
    fs.mkdirSync(path.join(ws, "project"));
    fs.writeFileSync(path.join(ws, "project/kept.txt"), "before\n");
    svc = new SnapshotService(new WorkspacePaths(ws), ["project"], path.join(dir, "tmp"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const importBody = (body: Buffer, expected = sha(body)) => svc.importStream(chunks(body), expected, 1024 ** 3);

  it("is the path taken on this machine (GNU tar found at a fixed path)", () => {
    expect(findGnuTar()).toMatch(/^\/(usr\/)?bin\/tar$/);
  });

  it("unpacks GNU and pax archives byte for byte (long names, links, modes), and drops entries outside the persisted paths", async () => {
    const src = path.join(dir, "src");
    fs.mkdirSync(path.join(src, "project/deep/a".repeat(1)), { recursive: true });
    const long = `project/${"n".repeat(150)}/${"m".repeat(120)}.txt`;
    fs.mkdirSync(path.dirname(path.join(src, long)), { recursive: true });
    fs.writeFileSync(path.join(src, long), "long name\n");
    fs.writeFileSync(path.join(src, "project/exec.sh"), "#!/bin/sh\n", { mode: 0o750 });
    fs.writeFileSync(path.join(src, "project/ünï 名前.txt"), "unicode\n");
    fs.symlinkSync("exec.sh", path.join(src, "project/link"));
    fs.linkSync(path.join(src, "project/exec.sh"), path.join(src, "project/hard"));
    fs.mkdirSync(path.join(src, "other"));
    fs.writeFileSync(path.join(src, "other/not-persisted.txt"), "x");
    for (const format of ["gnu", "pax"]) {
      const body = execFileSync("tar", ["-c", "-z", `--format=${format}`, "-C", src, "./project", "./other"]);
      await importBody(body);
      const want = Object.fromEntries(Object.entries(hashTree(src)).filter(([k]) => k.startsWith("project")));
      expect(Object.fromEntries(Object.entries(hashTree(ws)).filter(([k]) => k.startsWith("project")))).toEqual(want);
      expect(fs.statSync(path.join(ws, "project/exec.sh")).mode & 0o7777).toBe(0o750);
      expect(fs.existsSync(path.join(ws, "other"))).toBe(false);
    }
  });

  it.each<[string, TestEntry[]]>([
    ["a '..' path", [{ name: "project/../../escape.txt", content: "x" }]],
    ["an absolute path", [{ name: "/tmp/bf-abs-escape.txt", content: "x" }]],
    ["a device", [{ name: "project/dev", type: "character-device" }]],
    ["a hard link out of the archive", [{ name: "project/h", type: "link" as const, linkname: "../../../etc/passwd" }]],
    [
      "a file written through a symlink of the same archive",
      [
        { name: "project/out", type: "symlink", linkname: "OUTSIDE" },
        { name: "project/out/planted.txt", content: "x" },
      ],
    ],
    [
      "a hard link whose target lies behind a symlink of the same archive",
      [
        { name: "project/out", type: "symlink", linkname: "OUTSIDE" },
        { name: "project/h", type: "link", linkname: "project/out/secret" },
      ],
    ],
  ])("refuses %s and changes nothing", async (_label, entries) => {
    const evil = await makeArchive(entries.map((e) => ({ ...e, linkname: e.linkname === "OUTSIDE" ? outside : e.linkname })));
    await expect(importBody(evil)).rejects.toMatchObject({ code: "unsafe_archive" });
    expect(fs.readFileSync(path.join(ws, "project/kept.txt"), "utf8")).toBe("before\n");
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.existsSync("/tmp/bf-abs-escape.txt")).toBe(false);
  });

  // GNU tar reads a file entry whose name ends in "/" as a folder (the old BSD convention) and its
  // data as more headers: a FIFO and a setuid file the gate never saw. The gate refuses the entry.
  it.each([
    ["0", false],
    ["\0", false],
    ["7", false],
    ["0", true],
    ["\0", true],
  ])("refuses a file entry (type %j, V7 header: %s) named like a folder, whose data GNU tar would read as headers", async (type, v7) => {
    const smuggled = Buffer.concat([
      rawHeader({ name: "project/fifo", type: "6" }),
      rawHeader({ name: "project/suid", type: "0", size: 4, mode: 0o4755 }),
      rawData("pwn\n"),
    ]);
    const evil = rawArchive(rawHeader({ name: "project/d/", type, size: smuggled.length, v7 }), smuggled);
    await expect(importBody(evil)).rejects.toMatchObject({ code: "unsafe_archive" });
    expect(hashTree(ws)).toEqual({ project: expect.anything(), "project/kept.txt": expect.anything() });
  });

  // `a -> s/..` reads as "." but the kernel resolves s first: a names the staging folder's parent.
  it.each(LINKS_LEAVING_TOGETHER)("the gate, when links must stay inside, refuses %s", async (_label, entries) => {
    const staging = path.join(dir, "staging");
    fs.mkdirSync(staging);
    const limits = { maxEntries: 10, maxTotalBytes: 1000, allowExternalSymlinks: false };
    const body = await makeArchive(entries);
    const unpack = extractStreamNative(
      findGnuTar()!,
      chunks(body),
      staging,
      limits,
      () => true,
      () => {},
    );
    await expect(unpack).rejects.toMatchObject({ code: "unsafe_archive" });
  });

  it("clears setuid and setgid bits", async () => {
    await importBody(await makeArchive([{ name: "project/suid", content: "x", mode: 0o6755 }]));
    expect(fs.statSync(path.join(ws, "project/suid")).mode & 0o7777).toBe(0o755);
  });

  it("the node-tar fallback clears them too", async () => {
    const { extractStreamChecked } = await import("../../src/agent/snapshot/archive-safety");
    const staging = path.join(dir, "staging");
    fs.mkdirSync(staging);
    const body = await makeArchive([{ name: "project/suid", content: "x", mode: 0o6755 }]);
    const limits = { maxEntries: 10, maxTotalBytes: 1000, allowExternalSymlinks: true };
    await extractStreamChecked(
      chunks(body),
      staging,
      limits,
      () => true,
      () => {},
    );
    expect(fs.statSync(path.join(staging, "project/suid")).mode & 0o7777).toBe(0o755);
  });

  it("a wrong hash, a cut body or garbage changes nothing", async () => {
    const good = await makeArchive([{ name: "project/new.txt", content: "new" }]);
    await expect(importBody(good, "0".repeat(64))).rejects.toMatchObject({ code: "checksum_mismatch" });
    const cut = good.subarray(0, good.length - 20);
    await expect(importBody(cut)).rejects.toMatchObject({ code: "bad_request" });
    const garbage = Buffer.from("not a tar.gz at all");
    await expect(importBody(garbage)).rejects.toMatchObject({ code: "bad_request" });
    expect(hashTree(ws)).toEqual({ project: expect.anything(), "project/kept.txt": expect.anything() });
    expect(fs.readFileSync(path.join(ws, "project/kept.txt"), "utf8")).toBe("before\n");
  });

  it("tar stopping on an error mid-stream ends the import (no hang) and changes nothing", async () => {
    // The link's target lies outside the persisted paths, so the gate drops it and tar cannot link;
    // 4 MB follow so the body is still flowing when tar gives up.
    const big = "y".repeat(4 * 1024 * 1024);
    const body = await makeArchive([
      { name: "other/x", content: "x" },
      { name: "project/h", type: "link", linkname: "other/x" },
      { name: "project/big.txt", content: big },
    ]);
    await expect(importBody(body)).rejects.toMatchObject({ code: "bad_request" });
    expect(fs.readFileSync(path.join(ws, "project/kept.txt"), "utf8")).toBe("before\n");
  });

  it("an empty archive clears the persisted paths", async () => {
    const empty = gzipSync(Buffer.alloc(1024));
    await importBody(empty);
    expect(fs.existsSync(path.join(ws, "project"))).toBe(false);
  });
});
