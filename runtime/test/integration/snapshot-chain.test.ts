import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { WorkspacePaths } from "../../src/agent/files/workspace-paths";
import { diffManifest, type Manifest } from "../../src/agent/snapshot/manifest";
import { SnapshotService } from "../../src/agent/snapshot/snapshot-service";
import { hashTree } from "../helpers/tree";

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "bf-chain-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function write(root: string, rel: string, data: Buffer | string, mode?: number): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
  if (mode) fs.chmodSync(path.join(root, rel), mode);
}

async function collect(run: (sink: PassThrough) => Promise<void>): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (c: Buffer) => chunks.push(c));
  await run(sink);
  return Buffer.concat(chunks);
}

interface Link {
  archive: Buffer;
  deleted: string[];
}

/** Saves the tree: full when there is no base manifest, else only what changed. */
async function save(service: SnapshotService, base: Manifest | null): Promise<{ link: Link; manifest: Manifest }> {
  const { token, manifest, delta } = await service.prepare(base);
  const archive = base
    ? await collect((s) => service.exportDeltaTo(token, s, () => {}))
    : await collect((s) => service.exportTo(s, () => {}));
  return { link: { archive, deleted: base ? delta.deleted : [] }, manifest };
}

function chainBody(links: Link[], corrupt = -1): Buffer {
  const steps = links.map((l, i) => ({
    sha256: createHash("sha256")
      .update(l.archive)
      .digest("hex")
      .replace(/^./, (c) => (i === corrupt ? (c === "0" ? "1" : "0") : c)),
    bytes: l.archive.length,
    deleted: l.deleted,
  }));
  const header = Buffer.from(JSON.stringify({ steps }));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  return Buffer.concat([len, header, ...links.map((l) => l.archive)]);
}

async function* chunked(body: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < body.length; i += 7777) yield body.subarray(i, i + 7777);
}

describe("incremental snapshot chain (agent side)", () => {
  it("restores base + increments byte-identical: changes, deletions, type changes, links, modes", async () => {
    const src = tmp();
    write(src, "work/bin.bin", randomBytes(200_000));
    write(src, "work/empty.txt", "");
    write(src, "work/ünï 名前.txt", "u\n");
    write(src, "work/run.sh", "#!/bin/sh\n", 0o755);
    write(src, "work/gone/sub/f.txt", "x");
    write(src, "work/keep/.hidden", "h");
    fs.mkdirSync(path.join(src, "work/empty-dir"));
    fs.symlinkSync("../empty.txt", path.join(src, "work/keep/link"));
    const service = new SnapshotService(new WorkspacePaths(src), ["work"], tmp());
    const full = await save(service, null);

    write(src, "work/new.txt", "new");
    write(src, "work/ünï 名前.txt", "changed\n");
    fs.rmSync(path.join(src, "work/gone"), { recursive: true });
    fs.rmSync(path.join(src, "work/keep/.hidden"));
    fs.chmodSync(path.join(src, "work/run.sh"), 0o700);
    const inc1 = await save(service, full.manifest);
    expect(inc1.link.deleted).toEqual(["work/gone", "work/keep/.hidden"]);
    expect(inc1.link.archive.length).toBeLessThan(2000);
    const after1 = hashTree(src);

    fs.rmSync(path.join(src, "work/empty.txt"));
    write(src, "work/empty.txt/inside", "now a dir");
    fs.rmSync(path.join(src, "work/keep/link"));
    fs.symlinkSync("../run.sh", path.join(src, "work/keep/link"));
    const inc2 = await save(service, inc1.manifest);
    const after2 = hashTree(src);

    const dst = tmp();
    write(dst, "work/stale.txt", "replaced by the restore");
    const target = new SnapshotService(new WorkspacePaths(dst), ["work"], tmp());
    await target.importChain(chunked(chainBody([full.link, inc1.link])), 1e9);
    expect(hashTree(dst)).toEqual(after1);
    await target.importChain(chunked(chainBody([full.link, inc1.link, inc2.link])), 1e9);
    expect(hashTree(dst)).toEqual(after2);
  });

  it("deletes nothing through a symlink: a chain whose deletion passes a link leaves the link's target alone", async () => {
    // A chain is the words of whoever answered as the agent when it was saved, and a fork of the
    // session restores it in another runtime: a deletion under a restored link once followed it.
    const outside = tmp();
    write(outside, "victim.txt", "not the chain's to delete");
    const src = tmp();
    write(src, "work/a.txt", "a");
    fs.symlinkSync(outside, path.join(src, "work/out"));
    const service = new SnapshotService(new WorkspacePaths(src), ["work"], tmp());
    const full = await save(service, null);
    write(src, "work/b.txt", "b");
    const inc = await save(service, full.manifest);
    const hostile = { ...inc.link, deleted: ["work/out/victim.txt", "work/out"] };
    const dst = tmp();
    const target = new SnapshotService(new WorkspacePaths(dst), ["work"], tmp());
    await target.importChain(chunked(chainBody([full.link, hostile])), 1e9);
    expect(fs.readFileSync(path.join(outside, "victim.txt"), "utf8")).toBe("not the chain's to delete");
    // The link itself is the chain's: deleting it by its own name still works.
    expect(fs.existsSync(path.join(dst, "work/out"))).toBe(false);
    expect(fs.readFileSync(path.join(dst, "work/b.txt"), "utf8")).toBe("b");
  });

  it("a wrong hash anywhere in the chain changes nothing", async () => {
    const src = tmp();
    write(src, "work/a.txt", "a");
    const service = new SnapshotService(new WorkspacePaths(src), ["work"], tmp());
    const full = await save(service, null);
    write(src, "work/b.txt", "b");
    const inc = await save(service, full.manifest);
    const dst = tmp();
    write(dst, "work/mine.txt", "untouched");
    const before = hashTree(dst);
    const target = new SnapshotService(new WorkspacePaths(dst), ["work"], tmp());
    await expect(target.importChain(chunked(chainBody([full.link, inc.link], 1)), 1e9)).rejects.toThrow(/SHA-256/);
    expect(hashTree(dst)).toEqual(before);
  });

  it("an unchanged file keeps its hash without being read again (size + mtime match)", () => {
    const base: Manifest = { version: 1, entries: [{ p: "a", t: "f", s: 1, m: "5", mode: 0o644, h: "x" }] };
    expect(diffManifest(base, base)).toEqual({ changed: [], deleted: [], changedBytes: 0 });
  });
});
