import { pipeline } from "node:stream/promises";
import { ApiError } from "@burstflare/sdk/errors";
import { ARCHIVE_UPLOAD_MAX, archiveQuery, filesBatchBody, watchQuery } from "@burstflare/sdk/protocol/files";
import { parseWith, queryOf, readJSON, sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import type { DirectoryArchives } from "./archive";
import type { FileBatch } from "./batch";
import type { Watches } from "./watch";

/** Batch JSON: the Worker caps bodies at 256 KiB; base64 and escapes make a little more here. */
const BATCH_BODY_MAX = 512 * 1024;

/** The file API for programs (sdk/protocol/files.ts): batches, directory tar streams, watches. */
export function bulkFileRoutes(batch: FileBatch, archives: DirectoryArchives, watches: Watches): Route[] {
  return [
    {
      method: "POST",
      path: "/files/batch",
      handle: async (req, res) => {
        const { ops } = await readJSON(req, filesBatchBody, BATCH_BODY_MAX);
        sendJSON(res, 200, { results: await batch.run(ops) });
      },
    },
    {
      method: "GET",
      path: "/files/archive",
      handle: async (_req, res, url) => {
        const source = await archives.pack(parseWith(archiveQuery, queryOf(url)).path);
        res.writeHead(200, {
          "content-type": "application/gzip",
          "content-disposition": "attachment",
          "x-content-type-options": "nosniff",
        });
        // A read error after the head is sent can only cut the stream; the receiver's gunzip notices.
        await pipeline(source, res).catch(() => res.destroy());
      },
    },
    {
      method: "PUT",
      path: "/files/archive",
      handle: async (req, res, url) => {
        if (Number(req.headers["content-length"]) > ARCHIVE_UPLOAD_MAX)
          throw new ApiError("payload_too_large", `archive exceeds ${ARCHIVE_UPLOAD_MAX} bytes`);
        sendJSON(res, 200, await archives.unpack(parseWith(archiveQuery, queryOf(url)).path, req));
      },
    },
    {
      method: "GET",
      path: "/files/watch",
      handle: async (_req, res, url) => {
        const { path, timeoutMs } = parseWith(watchQuery, queryOf(url));
        await watches.serve(path, timeoutMs, res);
      },
    },
  ];
}
