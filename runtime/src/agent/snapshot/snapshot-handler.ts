import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { SHA256_HEADER, SNAPSHOT_ENCODING_HEADER } from "../../../../sdk/protocol/agent";
import { sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import { expectedSha256, receiveToTempFile } from "./receive-body";
import { SNAPSHOT_GZIP_LEVEL, type SnapshotService } from "./snapshot-service";

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
      handle: async (_req, res, url) => {
        if (url.searchParams.get("stream") === "1") {
          // Built, sent and (by the receiver) hashed at once. A failure after the headers went out
          // cuts the connection, so the receiver can never take a short archive for a whole one.
          // `level=0` (a fork): stored gzip blocks, no compression; the archive is read once, soon.
          const level = url.searchParams.get("level") === "0" ? 0 : SNAPSHOT_GZIP_LEVEL;
          try {
            await snapshots.exportTo(
              res,
              () => res.writeHead(200, { "content-type": "application/gzip", [SNAPSHOT_ENCODING_HEADER]: `gzip;level=${level}` }),
              level,
            );
          } catch (err) {
            if (!res.headersSent) throw err;
            res.destroy(err as Error);
          }
          return;
        }
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
        sendJSON(res, 200, await snapshots.importStream(req, expected, MAX_SNAPSHOT_BYTES));
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
