import { timingSafeEqual } from "node:crypto";
import http, { type ServerResponse } from "node:http";
import { ApiError } from "@burstflare/sdk/errors";
import { type HostHealth, keepWorkspaceBody, RUNTIME_SECRET_HEADER, startRuntimeBody } from "@burstflare/sdk/protocol/runtime-host";
import { readJSON, sendError, sendJSON } from "../agent/http/respond";
import type { RuntimeManager } from "./runtime-manager";
import { isolationReport, type Sandbox } from "./sandbox";

const RUNTIME_PATH = /^\/runtimes\/([^/]+)(\/kill|\/keep|\/workspace)?$/;
/** A snapshot manifest of a few hundred thousand files. */
const MAX_KEEP_BODY_BYTES = 256 * 1024 * 1024;
const RUNTIME_ID = /^[A-Za-z0-9_-]{1,80}$/;

function secretMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function noContent(res: ServerResponse): void {
  res.writeHead(204).end();
}

/**
 * The local driver's API (sdk/protocol/runtime-host.ts), loopback only:
 *   GET    /health                         no secret; HostHealth, 503 when the host refuses to start runtimes
 *   POST   /runtimes                       StartRuntimeBody → RuntimeInfo (idempotent per runtimeId);
 *                                          503 runtime_unavailable naming the reason when the sandbox is unavailable
 *   GET    /runtimes                       { runtimes: RuntimeInfo[] }
 *   GET    /runtimes/:runtimeId            RuntimeInfo, 404 when not running (a dead agent drops out at once)
 *   DELETE /runtimes/:runtimeId            stops the agent (SIGTERM, SIGKILL after 3 s) → 204, also when not running
 *   POST   /runtimes/:runtimeId/kill       SIGKILL the agent, as a crash would → 204, 404 when not running
 *   POST   /runtimes/:runtimeId/keep       KeepWorkspaceBody → { kept, reason? }: seal the stopped runtime's
 *                                          workspace folder for its next start (runtime/src/host/kept-workspace.ts)
 *   DELETE /runtimes/:runtimeId/workspace  stop the agent, remove its workspace folder and seal → 204
 */
export function createHostServer(opts: { secret: string; manager: RuntimeManager; sandbox: Sandbox }): http.Server {
  const { secret, manager, sandbox } = opts;
  return http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://host");
      const method = req.method ?? "GET";
      if (method === "GET" && url.pathname === "/health") {
        const ok = sandbox.mode !== "unavailable";
        const body: HostHealth = {
          ok,
          sandbox: sandbox.mode,
          ...(sandbox.reason ? { reason: sandbox.reason } : {}),
          runtimes: manager.list().length,
          isolation: isolationReport(sandbox),
        };
        sendJSON(res, ok ? 200 : 503, body);
        return;
      }
      if (!secretMatches(secret, req.headers[RUNTIME_SECRET_HEADER])) throw new ApiError("unauthorized", "missing or wrong runtime secret");
      if (url.pathname === "/runtimes") {
        if (method === "GET") return sendJSON(res, 200, { runtimes: manager.list() });
        if (method === "POST") return sendJSON(res, 200, await manager.start(await readJSON(req, startRuntimeBody)));
        throw new ApiError("bad_request", `method ${method} not allowed on /runtimes`);
      }
      const match = RUNTIME_PATH.exec(url.pathname);
      if (!match) throw new ApiError("not_found", `no route for ${method} ${url.pathname}`);
      const id = decodeURIComponent(match[1]!);
      if (!RUNTIME_ID.test(id)) throw new ApiError("validation_failed", "runtime id must match [A-Za-z0-9_-]{1,80}");
      if (match[2] === "/keep") {
        if (method !== "POST") throw new ApiError("bad_request", "use POST to keep a workspace");
        return sendJSON(res, 200, manager.keep(id, await readJSON(req, keepWorkspaceBody, MAX_KEEP_BODY_BYTES)));
      }
      if (match[2] === "/workspace") {
        if (method !== "DELETE") throw new ApiError("bad_request", "use DELETE to discard a kept workspace");
        await manager.discard(id);
        return noContent(res);
      }
      if (match[2]) {
        if (method !== "POST") throw new ApiError("bad_request", "use POST to kill a runtime");
        if (!(await manager.stop(id, "SIGKILL"))) throw new ApiError("not_found", `runtime ${id} is not running`);
        return noContent(res);
      }
      if (method === "GET") {
        const info = manager.get(id);
        if (!info) throw new ApiError("not_found", `runtime ${id} is not running`);
        return sendJSON(res, 200, info);
      }
      if (method === "DELETE") {
        await manager.stop(id);
        return noContent(res);
      }
      throw new ApiError("bad_request", `method ${method} not allowed on /runtimes/:runtimeId`);
    } catch (err) {
      sendError(res, err);
    }
  });
}
