import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { KeepWorkspaceBody } from "@burstflare/sdk/protocol/runtime-host";
import { z } from "zod";
import { WorkspacePaths } from "../agent/files/workspace-paths";
import type { Manifest } from "../agent/snapshot/manifest";

/**
 * A stopped runtime's workspace folder kept on this host for its next start (local driver only),
 * so a wake need not unpack its restore point from R2 again. It is *sealed* only when it provably
 * holds the restore point: after the runtime stopped, every entry under the persisted paths
 * matches the snapshot's manifest (type, size, mtime, mode, link target: the same test the
 * incremental save trusts), everything outside them is removed (a fresh start has nothing there),
 * and a digest of every entry's lstat — ctime and inode included, which no write can keep — is
 * recorded in the root-only host folder. A start may reuse the folder only for the same runtime
 * id and restore point id, and only while that digest still holds; the seal is spent either way.
 */

const seal = z.object({ snapshotId: z.string(), digest: z.string(), at: z.number() });
type Seal = z.infer<typeof seal>;

/** Kept folders older than this are dropped when the host starts (their session may be long gone). */
export const KEPT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

const sealFile = (hostDir: string, runtimeId: string) => path.join(hostDir, "kept", `${runtimeId}.json`);

function readSeal(hostDir: string, runtimeId: string): Seal | null {
  try {
    const parsed = seal.safeParse(JSON.parse(fs.readFileSync(sealFile(hostDir, runtimeId), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function dropSeal(hostDir: string, runtimeId: string): void {
  fs.rmSync(sealFile(hostDir, runtimeId), { force: true });
}

function normalRoots(workspaceDir: string, persisted: string[]): string[] {
  const paths = new WorkspacePaths(workspaceDir);
  const normal = persisted.map((p) => paths.lexical(p).rel || ".");
  if (normal.includes(".")) return ["."];
  const unique = [...new Set(normal)].sort();
  return unique.filter((p) => !unique.some((other) => other !== p && p.startsWith(`${other}/`)));
}

/** Removes what lies outside the persisted roots; an ancestor of a root is kept only as a real folder. */
function pruneOutside(workspaceDir: string, roots: string[]): void {
  if (roots.includes(".")) return;
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(path.join(workspaceDir, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      if (roots.some((r) => child === r || child.startsWith(`${r}/`))) continue;
      const abs = path.join(workspaceDir, child);
      if (roots.some((r) => r.startsWith(`${child}/`)) && fs.lstatSync(abs).isDirectory()) visit(child);
      else fs.rmSync(abs, { recursive: true, force: true });
    }
  };
  visit("");
}

/** Every entry's lstat (ctime and inode included) in path order: changes with any write. */
function treeDigest(workspaceDir: string): string {
  const hash = createHash("sha256");
  const visit = (rel: string) => {
    const abs = rel ? path.join(workspaceDir, rel) : workspaceDir;
    const st = fs.lstatSync(abs, { bigint: true });
    hash.update(`${rel}\0${st.mode}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}\0${st.ino}\0${st.uid}\n`);
    if (st.isDirectory()) for (const name of fs.readdirSync(abs).sort()) visit(rel ? `${rel}/${name}` : name);
  };
  visit("");
  return hash.digest("hex");
}

/** The persisted paths against the manifest: null when they match, else the first difference. */
function differsFrom(workspaceDir: string, roots: string[], manifest: Manifest): string | null {
  const want = new Map(manifest.entries.map((e) => [e.p, e]));
  let seen = 0;
  const visit = (rel: string): string | null => {
    const abs = rel === "." ? workspaceDir : path.join(workspaceDir, rel);
    const st = fs.lstatSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!st) return null;
    const t = st.isSymbolicLink() ? "l" : st.isDirectory() ? "d" : st.isFile() ? "f" : null;
    if (rel !== ".") {
      const e = want.get(rel);
      if (!e || !t) return `${rel}: not in the snapshot`;
      seen += 1;
      if (e.t !== t || e.mode !== Number(st.mode & 0o7777n)) return `${rel}: type or mode differs`;
      if (t === "f" && (e.s !== Number(st.size) || e.m !== String(st.mtimeNs))) return `${rel}: size or mtime differs`;
      if (t === "l" && e.l !== fs.readlinkSync(abs)) return `${rel}: link target differs`;
    }
    if (t !== "d") return null;
    for (const name of fs.readdirSync(abs).sort()) {
      const diff = visit(rel === "." ? name : `${rel}/${name}`);
      if (diff) return diff;
    }
    return null;
  };
  for (const root of roots) {
    const diff = visit(root);
    if (diff) return diff;
  }
  return seen === want.size ? null : "entries of the snapshot are missing";
}

/** Seals the stopped runtime's workspace for `body.snapshotId`, or says why it cannot. */
export function keepWorkspace(
  hostDir: string,
  runtimeId: string,
  workspaceDir: string,
  body: KeepWorkspaceBody,
): { kept: boolean; reason?: string } {
  dropSeal(hostDir, runtimeId);
  if (!fs.existsSync(workspaceDir)) return { kept: false, reason: "no workspace folder" };
  const roots = normalRoots(workspaceDir, body.persistedPaths);
  const diff = differsFrom(workspaceDir, roots, body.manifest);
  if (diff) return { kept: false, reason: `workspace differs from snapshot ${body.snapshotId}: ${diff}` };
  pruneOutside(workspaceDir, roots);
  fs.mkdirSync(path.dirname(sealFile(hostDir, runtimeId)), { recursive: true, mode: 0o700 });
  const record: Seal = { snapshotId: body.snapshotId, digest: treeDigest(workspaceDir), at: Date.now() };
  fs.writeFileSync(sealFile(hostDir, runtimeId), JSON.stringify(record), { mode: 0o600 });
  return { kept: true };
}

/** True when the folder is sealed for exactly this restore point and untouched since; the seal is spent. */
export function takeKept(hostDir: string, runtimeId: string, workspaceDir: string, snapshotId: string): boolean {
  const record = readSeal(hostDir, runtimeId);
  dropSeal(hostDir, runtimeId);
  if (!record || record.snapshotId !== snapshotId || !fs.existsSync(workspaceDir)) return false;
  try {
    return treeDigest(workspaceDir) === record.digest;
  } catch {
    return false;
  }
}

/**
 * At host start no runtime runs: a workspace folder without a seal (or with one older than
 * KEPT_MAX_AGE_MS) can never be reused, so it goes; the runtime's other files stay. `onDisk`
 * runs the removal with the runtime's disk mounted (runtime-disk.ts).
 */
export function sweepKept(
  hostDir: string,
  dataDir: string,
  onDisk: (runtimeId: string, fn: () => void) => void = (_, fn) => fn(),
  now = Date.now(),
): void {
  for (const entry of fs.readdirSync(dataDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const record = readSeal(hostDir, entry.name);
    if (record && now - record.at < KEPT_MAX_AGE_MS) continue;
    dropSeal(hostDir, entry.name);
    onDisk(entry.name, () => fs.rmSync(path.join(dataDir, entry.name, "workspace"), { recursive: true, force: true }));
  }
}
