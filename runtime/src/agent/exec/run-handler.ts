import type { ServerResponse } from "node:http";
import { StringDecoder } from "node:string_decoder";
import { type RunEvent, runBody } from "@burstflare/sdk/protocol/automation";
import type { ActivityTracker } from "../activity/activity-tracker";
import type { AgentConfig } from "../config";
import { ConnectionRegistry } from "../connections/connection-registry";
import type { WorkspacePaths } from "../files/workspace-paths";
import { readJSON } from "../http/respond";
import type { Route } from "../http/router";
import { forgetWhenSessionEnds, killSession } from "./kill-session";
import { ownerOf } from "./member-groups";
import { killGroup, spawnCommand } from "./spawn-command";
import { waitForExit } from "./wait-exit";

/** After the command exits, how long inherited stdout/stderr may stay open (a background job) before we stop reading. */
/** How often a running command marks the runtime as in use. */
const ACTIVITY_EVERY_MS = 2_000;
/** stdin plus the rest of the JSON body. */
const BODY_MAX = 256 * 1024;

/**
 * POST /exec/run: one command, its stdout and stderr kept apart and capped, streamed as NDJSON
 * RunEvents. The Worker turns them into one JSON answer or SSE. The command is tied to the
 * request: when the caller goes away its process group is killed (background work belongs in
 * /processes), and to its principal: revoking the credential that started it ends it.
 */
export function runRoutes(config: AgentConfig, paths: WorkspacePaths, activity: ActivityTracker, connections: ConnectionRegistry): Route[] {
  return [
    {
      method: "POST",
      path: "/exec/run",
      handle: async (req, res: ServerResponse) => {
        const body = await readJSON(req, runBody, BODY_MAX);
        const started = Date.now();
        const principal = ConnectionRegistry.principalOf(req);
        const { child } = await spawnCommand(config, paths, body, ownerOf(principal));
        const forget = connections.track(principal, () => killSession(child.pid));
        res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
        const send = (event: RunEvent) => {
          if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
        };
        const bytes = { stdout: 0, stderr: 0 };
        const truncated = { stdout: false, stderr: false };
        for (const name of ["stdout", "stderr"] as const) {
          const stream = child[name];
          const decoder = new StringDecoder("utf8");
          stream.on("data", (chunk: Buffer) => {
            const before = bytes[name];
            bytes[name] += chunk.length;
            if (truncated[name]) return;
            const room = body.maxOutputBytes - before;
            const kept = chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk;
            const data = decoder.write(kept);
            if (data) send({ type: name, data });
            if (kept.length < chunk.length) {
              truncated[name] = true;
              const rest = decoder.end();
              if (rest) send({ type: name, data: rest });
              send({ type: "truncated", stream: name, limit: body.maxOutputBytes });
            }
          });
          stream.on("end", () => {
            if (truncated[name]) return;
            const rest = decoder.end();
            if (rest) send({ type: name, data: rest });
          });
        }
        child.stdin.on("error", () => {});
        child.stdin.end(body.stdin ?? "");
        // A running command is work even when it prints nothing: it holds the idle timer (the file
        // API's activity kind, which is what API use of a runtime counts as) until it exits.
        activity.touch("files");
        const busy = setInterval(() => activity.touch("files"), ACTIVITY_EVERY_MS);
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          killGroup(child.pid, "SIGKILL");
        }, body.timeoutMs);
        let finished = false;
        res.on("close", () => {
          if (!finished) killGroup(child.pid, "SIGKILL");
        });
        const exit = await waitForExit(child, (err) => send({ type: "stderr", data: `failed to start: ${err.message}\n` }));
        forgetWhenSessionEnds(child.pid, forget);
        clearTimeout(timer);
        clearInterval(busy);
        activity.touch("files");
        finished = true;
        send({
          type: "exit",
          exitCode: exit.code,
          signal: exit.signal,
          timedOut,
          durationMs: Date.now() - started,
          bytes,
          truncated,
        });
        res.end();
      },
    },
  ];
}
