import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { SHA256_HEADER } from "../../../../sdk/protocol/agent";
import { sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import { expectedSha256, receiveToTempFile } from "./receive-body";
import type { SnapshotService } from "./snapshot-service";

const MAX_SNAPSHOT_BYTES = 20 * 1024 ** 3;
const MAX_BUNDLE_BYTES = 1024 ** 3;

export function snapshotRoutes(snapshots: SnapshotService, tempDir: string): Route[] {
  return [
    {
      method: "GET",
      path: "/snapshot/fingerprint",
      handle: async (_req, res) => sendJSON(res, 200, await snapshots.fingerprint()),
    },
    {
      method: "POST",
      path: "/snapshot/export",
      handle: async (_req, res) => {
        const archive = await snapshots.export();
        res.writeHead(200, {
          "content-type": "application/gzip",
          "content-length": archive.bytes,
          [SHA256_HEADER]: archive.sha256,
        });
        const stream = createReadStream(archive.file);
        const cleanup = () => void fs.rm(archive.file, { force: true });
        stream.on("error", () => res.destroy());
        res.on("close", cleanup);
        stream.pipe(res);
      },
    },
    {
      method: "POST",
      path: "/snapshot/import",
      handle: async (req, res, url) => {
        const expected = expectedSha256(url, true)!;
        const body = await receiveToTempFile(req, tempDir, MAX_SNAPSHOT_BYTES);
        try {
          sendJSON(res, 200, await snapshots.import(body, expected));
        } finally {
          await fs.rm(body.file, { force: true });
        }
      },
    },
    {
      method: "POST",
      path: "/bundle/import",
      handle: async (req, res, url) => {
        const expected = expectedSha256(url, false);
        const body = await receiveToTempFile(req, tempDir, MAX_BUNDLE_BYTES);
        try {
          sendJSON(res, 200, await snapshots.importBundle(body, expected));
        } finally {
          await fs.rm(body.file, { force: true });
        }
      },
    },
  ];
}
