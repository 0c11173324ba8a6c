import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { ApiError } from "@burstflare/sdk/errors";
import { SHA256_HEADER, SNAPSHOT_ENCODING_HEADER } from "@burstflare/sdk/protocol/agent";
import { sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import { manifestBody } from "./manifest";
import { expectedSha256, receiveToTempFile } from "./receive-body";
import { SNAPSHOT_GZIP_LEVEL, type SnapshotService } from "./snapshot-service";

const MAX_SNAPSHOT_BYTES = 20 * 1024 ** 3;
const MAX_BUNDLE_BYTES = 1024 ** 3;
const MAX_MANIFEST_BYTES = 256 * 1024 ** 2;

export function snapshotRoutes(snapshots: SnapshotService, tempDir: string): Route[] {
  return [
    {
      method: "GET",
      path: "/snapshot/fingerprint",
      handle: async (_req, res) => sendJSON(res, 200, await snapshots.fingerprint()),
    },
    {
      method: "POST",
      path: "/snapshot/manifest",
      handle: async (req, res) => {
        // Body: the base snapshot's manifest (empty for none); it is also the hash cache.
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of req as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_MANIFEST_BYTES) throw new ApiError("payload_too_large", "manifest too large");
          chunks.push(chunk);
        }
        const text = Buffer.concat(chunks).toString("utf8").trim();
        let base = null;
        if (text) {
          const parsed = manifestBody.safeParse(JSON.parse(text));
          if (!parsed.success) throw new ApiError("bad_request", "invalid base manifest");
          base = parsed.data;
        }
        const { token, manifest, delta } = await snapshots.prepare(base);
        sendJSON(res, 200, { token, manifest, deleted: delta.deleted, changed: delta.changed.length, changedBytes: delta.changedBytes });
      },
    },
    {
      method: "POST",
      path: "/snapshot/import-chain",
      handle: async (req, res) => sendJSON(res, 200, await snapshots.importChain(req, MAX_SNAPSHOT_BYTES)),
    },
    {
      method: "POST",
      path: "/snapshot/export",
      handle: async (_req, res, url) => {
        const delta = url.searchParams.get("delta");
        if (url.searchParams.get("stream") === "1") {
          // Built, sent and (by the receiver) hashed at once. A failure after the headers went out
          // cuts the connection, so the receiver can never take a short archive for a whole one.
          // `level=0` (a fork): stored gzip blocks, no compression; the archive is read once, soon.
          const level = url.searchParams.get("level") === "0" ? 0 : SNAPSHOT_GZIP_LEVEL;
          try {
            // An increment is always level 1; `level` applies to a full export.
            const used = delta ? SNAPSHOT_GZIP_LEVEL : level;
            const onStart = () =>
              res.writeHead(200, { "content-type": "application/gzip", [SNAPSHOT_ENCODING_HEADER]: `gzip;level=${used}` });
            await (delta ? snapshots.exportDeltaTo(delta, res, onStart) : snapshots.exportTo(res, onStart, level));
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
