// Feeds a tar.gz through the agent's streamed snapshot import (staging, hash, swap), as the agent
// does, without the Worker or a runtime: for profiling the unpack on its own.
//
//   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof scripts/profile/agent-import.mts tree.tgz [runs]
//   node scripts/profile/summary.mjs /tmp/prof/*.cpuprofile      # top self-time functions, %
//   BURSTFLARE_SNAPSHOT_UNPACK=js …                               # the node-tar path instead of GNU tar
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspacePaths } from "../../runtime/src/agent/files/workspace-paths";
import { SnapshotService } from "../../runtime/src/agent/snapshot/snapshot-service";

const [archive, runs = "1"] = process.argv.slice(2);
if (!archive) throw new Error("usage: agent-import.mts <archive.tar.gz> [runs]");
const sha = createHash("sha256").update(readFileSync(archive)).digest("hex");
const base = mkdtempSync(path.join(os.tmpdir(), "bf-profile-import-"));
mkdirSync(path.join(base, "workspace"));
const service = new SnapshotService(new WorkspacePaths(path.join(base, "workspace")), ["."], path.join(base, "tmp"));
for (let i = 0; i < Number(runs); i++) {
  const t0 = performance.now();
  const summary = await service.importStream(createReadStream(archive, { highWaterMark: 256 * 1024 }), sha, 20 * 1024 ** 3);
  console.log(`import ${Math.round(performance.now() - t0)} ms`, summary);
}
console.log(`workspace left in ${base}`);
