import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { snapshotFingerprint } from "@burstflare/sdk/protocol/agent";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { beforeAll, describe, expect, it } from "vitest";
import { LINKS_LEAVING_TOGETHER, makeArchive, rawArchive, rawData, rawHeader } from "../helpers/archive";
import { agentExec, agentFetch, useTestHost } from "../helpers/host";
import { hashTree, sha256 } from "../helpers/tree";

const PERSISTED = ["project", "data/cache", "@scoped"];

async function exportSnapshot(info: RuntimeInfo): Promise<{ body: Buffer; sha: string }> {
  const res = await agentFetch(info, "/snapshot/export", { method: "POST" });
  expect(res.status).toBe(200);
  const body = Buffer.from(await res.arrayBuffer());
  expect(Number(res.headers.get("content-length"))).toBe(body.length);
  const sha = res.headers.get("x-content-sha256")!;
  expect(sha).toBe(sha256(body));
  return { body, sha };
}

function importSnapshot(info: RuntimeInfo, body: Buffer, sha: string, kind = "snapshot"): Promise<Response> {
  return agentFetch(info, `/${kind}/import?sha256=${sha}`, { method: "POST", body });
}

/** A tree that has tripped archivers before: binary, empty, deep, unicode, spaces, leading dashes and @. */
async function writeAwkwardTree(info: RuntimeInfo): Promise<void> {
  const ws = info.workspaceDir;
  const binary = randomBytes(300_000);
  const write = (rel: string, data: Buffer | string) => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), data);
  };
  write("project/bin/blob.bin", binary);
  write("project/empty.txt", "");
  write("project/a/b/c/d/e/deep.txt", "deep\n");
  write("project/ünïcødé 名前 🚀.txt", "unicode\n");
  write("project/-leading-dash", "dash\n");
  write("project/with space/and'quote\".txt", "quotes\n");
  write(`project/${"long-name-".repeat(20)}.txt`, "long\n");
  write("data/cache/keep.json", '{"k":1}');
  write("@scoped/pkg.txt", "at sign\n");
  write("scratch.txt", "not persisted\n");
  fs.mkdirSync(path.join(ws, "project/empty-dir"), { recursive: true });
  fs.symlinkSync("bin/blob.bin", path.join(ws, "project/blob-link"));
  fs.chmodSync(path.join(ws, "project/-leading-dash"), 0o755);
  // The runtime owns its files (it may run as its own uid).
  await agentExec(info, "true");
  const owner = fs.statSync(ws);
  for (const rel of ["project", "data", "@scoped", "scratch.txt"]) chownTree(path.join(ws, rel), owner.uid, owner.gid);
}

function chownTree(p: string, uid: number, gid: number): void {
  fs.lchownSync(p, uid, gid);
  if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p)) chownTree(path.join(p, n), uid, gid);
}

function persistedTree(info: RuntimeInfo): Record<string, string> {
  return Object.fromEntries(
    Object.entries(hashTree(info.workspaceDir)).filter(([k]) => PERSISTED.some((p) => k === p || k.startsWith(`${p}/`))),
  );
}

describe("snapshot export and import", () => {
  const ctx = useTestHost();
  let source: RuntimeInfo;
  let target: RuntimeInfo;
  beforeAll(async () => {
    source = await ctx.host.start("snap-src", { persistedPaths: PERSISTED });
    target = await ctx.host.start("snap-dst", { persistedPaths: PERSISTED });
    await writeAwkwardTree(source);
  });

  it("round-trips persisted paths byte-identically into another runtime", async () => {
    const before = persistedTree(source);
    expect(Object.keys(before).length).toBeGreaterThan(12);
    const { body, sha } = await exportSnapshot(source);
    fs.writeFileSync(path.join(target.workspaceDir, "scratch-target.txt"), "outside persisted paths");
    await agentExec(target, "mkdir -p project && echo stale > project/stale.txt");
    const res = await importSnapshot(target, body, sha);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ files: 9 });
    expect(persistedTree(target)).toEqual(before);
    // Paths outside the persisted set are neither exported nor touched.
    expect(fs.existsSync(path.join(target.workspaceDir, "scratch.txt"))).toBe(false);
    expect(fs.readFileSync(path.join(target.workspaceDir, "scratch-target.txt"), "utf8")).toBe("outside persisted paths");
    // The shell in the target runtime can use the restored files.
    expect(
      (await agentExec(target, "cat project/a/b/c/d/e/deep.txt && ./project/-leading-dash 2>/dev/null; cat project/-leading-dash")).output,
    ).toContain("deep\ndash\n");
  });

  it("refuses a checksum mismatch without touching any file", async () => {
    const { body } = await exportSnapshot(source);
    const before = hashTree(target.workspaceDir);
    const res = await importSnapshot(target, body, "0".repeat(64));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "checksum_mismatch" } });
    const corrupted = Buffer.from(body);
    corrupted[corrupted.length - 10]! ^= 0xff;
    expect((await importSnapshot(target, corrupted, sha256(body))).status).toBe(400);
    expect(hashTree(target.workspaceDir)).toEqual(before);
    expect((await agentFetch(target, "/snapshot/import", { method: "POST", body })).status).toBe(400);
    expect((await agentFetch(target, "/snapshot/import?sha256=xyz", { method: "POST", body })).status).toBe(400);
  });

  it("streams an export as it is built (gzip level recorded) that restores byte-identically; a hash mismatch changes nothing", async () => {
    const res = await agentFetch(source, "/snapshot/export?stream=1", { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-snapshot-encoding")).toBe("gzip;level=1");
    // No length or hash up front: the receiver hashes the bytes as they come.
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("x-content-sha256")).toBeNull();
    const body = Buffer.from(await res.arrayBuffer());
    const before = hashTree(target.workspaceDir);
    expect((await importSnapshot(target, body, "f".repeat(64))).status).toBe(400);
    expect(hashTree(target.workspaceDir)).toEqual(before);
    const ok = await importSnapshot(target, body, sha256(body));
    expect(ok.status).toBe(200);
    // The agent, as the host runs it, found GNU tar and unpacked with it (native-unpack.ts).
    expect(await ok.json()).toMatchObject({ unpacker: "gnu-tar" });
    expect(persistedTree(target)).toEqual(persistedTree(source));
  });

  it("exports uncompressed with level=0 (a fork's export): stored blocks, restores byte-identically", async () => {
    const [level1, level0] = await Promise.all(
      ["", "&level=0"].map(async (q) => {
        const res = await agentFetch(source, `/snapshot/export?stream=1${q}`, { method: "POST" });
        return { encoding: res.headers.get("x-snapshot-encoding"), body: Buffer.from(await res.arrayBuffer()) };
      }),
    );
    expect(level0?.encoding).toBe("gzip;level=0");
    // The tree has text that level 1 shrinks; stored blocks do not.
    expect(level0!.body.length).toBeGreaterThan(level1!.body.length);
    const ok = await importSnapshot(target, level0!.body, sha256(level0!.body));
    expect(ok.status).toBe(200);
    expect(persistedTree(target)).toEqual(persistedTree(source));
  });

  it("exports a valid empty archive when no persisted path exists, and restoring it clears them", async () => {
    const empty = await ctx.host.start("snap-empty", { persistedPaths: ["nothing-here"] });
    const { body, sha } = await exportSnapshot(empty);
    await agentExec(empty, "mkdir nothing-here && echo later > nothing-here/file.txt");
    const res = await importSnapshot(empty, body, sha);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ files: 0, bytes: 0, unpacker: "gnu-tar" });
    expect(fs.existsSync(path.join(empty.workspaceDir, "nothing-here"))).toBe(false);
  });

  it("treats '.' as the whole workspace", async () => {
    const whole = await ctx.host.start("snap-whole", { persistedPaths: ["."] });
    await agentExec(whole, "mkdir -p x/y && echo one > x/y/one.txt && echo top > top.txt && printf '' > empty");
    const before = hashTree(whole.workspaceDir);
    const { body, sha } = await exportSnapshot(whole);
    await agentExec(whole, "rm -rf x && echo changed > top.txt && echo new > new.txt");
    expect((await importSnapshot(whole, body, sha)).status).toBe(200);
    expect(hashTree(whole.workspaceDir)).toEqual(before);
  });

  it("offers a fingerprint that changes exactly when persisted files change", async () => {
    const fp = async () => snapshotFingerprint.parse(await (await agentFetch(source, "/snapshot/fingerprint")).json());
    const first = await fp();
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await fp()).fingerprint).toBe(first.fingerprint);
    await agentExec(source, "echo outside > scratch2.txt");
    expect((await fp()).fingerprint).toBe(first.fingerprint);
    await agentExec(source, "echo more >> project/empty.txt");
    const changed = await fp();
    expect(changed.fingerprint).not.toBe(first.fingerprint);
    await agentExec(source, "touch project/new-file");
    expect((await fp()).entries).toBe(changed.entries + 1);
  });

  it("refuses unsafe snapshot archives", async () => {
    const evil = await makeArchive([{ name: "project/../../escape.txt", content: "x" }]);
    const res = await importSnapshot(target, evil, sha256(evil));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "unsafe_archive" } });
    // A file entry named like a folder: GNU tar would unpack its data (a FIFO here) as entries.
    const before = hashTree(target.workspaceDir);
    const fifo = rawHeader({ name: "project/fifo", type: "6" });
    const desync = rawArchive(rawHeader({ name: "project/d/", type: "0", size: fifo.length }), rawData(fifo));
    const refused = await importSnapshot(target, desync, sha256(desync));
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { code: "unsafe_archive" } });
    expect(hashTree(target.workspaceDir)).toEqual(before);
  });
});

describe("bundle import", () => {
  const ctx = useTestHost("bundle");

  it("unpacks a template bundle into the workspace root", async () => {
    const bundle = await makeArchive([
      { name: "README.md", content: "# hi\n" },
      { name: "src/", type: "directory" },
      { name: "src/index.js", content: "console.log(1)\n" },
      { name: "src/link.js", type: "symlink", linkname: "index.js" },
    ]);
    const res = await importSnapshot(ctx.info, bundle, sha256(bundle), "bundle");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ files: 2, bytes: 20 });
    expect((await agentExec(ctx.info, "cat README.md src/link.js")).output).toBe("# hi\nconsole.log(1)\n");
    const noSha = await agentFetch(ctx.info, "/bundle/import", { method: "POST", body: bundle });
    expect(noSha.status).toBe(200);
    expect((await agentFetch(ctx.info, `/bundle/import?sha256=${"a".repeat(64)}`, { method: "POST", body: bundle })).status).toBe(400);
  });

  it.each([
    ["an absolute path", [{ name: "/tmp/bf-evil-abs.txt", content: "x" }]],
    ["a dot-dot path", [{ name: "ok/../../bf-evil.txt", content: "x" }]],
    ["a symlink outside", [{ name: "etc", type: "symlink", linkname: "/etc" }]],
    ["a relative symlink outside", [{ name: "a/up", type: "symlink", linkname: "../../.." }]],
    ["a hard link outside", [{ name: "pw", type: "link", linkname: "../../../../etc/passwd" }]],
    ["a device", [{ name: "dev", type: "character-device" }]],
    ["a fifo", [{ name: "pipe", type: "fifo" }]],
    ...LINKS_LEAVING_TOGETHER,
  ] as const)("refuses a bundle with %s and extracts nothing", async (_label, entries) => {
    const before = hashTree(ctx.info.workspaceDir);
    const bundle = await makeArchive([{ name: "first-ok.txt", content: "fine" }, ...entries]);
    const res = await importSnapshot(ctx.info, bundle, sha256(bundle), "bundle");
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "unsafe_archive" } });
    expect(hashTree(ctx.info.workspaceDir)).toEqual(before);
  });

  it("refuses a bundle with too many files, and garbage", async () => {
    const many = await makeArchive(Array.from({ length: 100_001 }, (_, i) => ({ name: `f/${i}`, content: "" })));
    const res = await importSnapshot(ctx.info, many, sha256(many), "bundle");
    expect(res.status).toBe(422);
    const garbage = randomBytes(5000);
    const bad = await importSnapshot(ctx.info, garbage, sha256(garbage), "bundle");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "bad_request" } });
  });
});
