import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "@burstflare/sdk/errors";
import { filePathBody, renameBody } from "@burstflare/sdk/protocol/agent";
import { readJSON, sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import { type FileService, MAX_WRITE_BYTES } from "./file-service";

function pathParam(url: URL): string {
  const value = url.searchParams.get("path");
  if (value === null || value.length > 1024) throw new ApiError("validation_failed", "query parameter `path` is required (max 1024 chars)");
  return value;
}

export function fileRoutes(files: FileService): Route[] {
  return [
    {
      method: "GET",
      path: "/files/tree",
      handle: async (_req, res, url) => sendJSON(res, 200, { entries: await files.tree(url.searchParams.get("path") ?? "") }),
    },
    {
      method: "GET",
      path: "/files/content",
      handle: async (_req: IncomingMessage, res: ServerResponse, url: URL) => {
        const { stream, stat } = await files.open(pathParam(url));
        res.writeHead(200, {
          // Workspace files are never a page on whatever origin relays them.
          "content-type": "application/octet-stream",
          "content-disposition": "attachment",
          "x-content-type-options": "nosniff",
          "content-length": stat.size,
          "x-file-mtime": String(Math.round(stat.mtimeMs)),
        });
        stream.pipe(res);
        stream.on("error", () => res.destroy());
      },
    },
    {
      method: "PUT",
      path: "/files/content",
      handle: async (req, res, url) => {
        if (Number(req.headers["content-length"]) > MAX_WRITE_BYTES)
          throw new ApiError("payload_too_large", `files are limited to ${MAX_WRITE_BYTES} bytes`);
        sendJSON(res, 200, await files.write(pathParam(url), req));
      },
    },
    {
      method: "POST",
      path: "/files/mkdir",
      handle: async (req, res) => sendJSON(res, 200, await files.mkdir((await readJSON(req, filePathBody)).path)),
    },
    {
      method: "POST",
      path: "/files/rename",
      handle: async (req, res) => {
        const body = await readJSON(req, renameBody);
        sendJSON(res, 200, await files.rename(body.from, body.to));
      },
    },
    {
      method: "DELETE",
      path: "/files",
      handle: async (_req, res, url) => {
        await files.remove(pathParam(url));
        sendJSON(res, 200, { ok: true });
      },
    },
  ];
}
