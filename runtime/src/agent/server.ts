import { timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ApiError } from "@burstflare/sdk/errors";
import { AGENT_TOKEN_HEADER } from "@burstflare/sdk/protocol/runtime-host";
import { WebSocketServer } from "ws";
import type { ActivityTracker } from "./activity/activity-tracker";
import type { AgentConfig } from "./config";
import { MemberGroups } from "./exec/member-groups";
import { sendError, sendJSON } from "./http/respond";
import { matchRoute, type Route, routableURL } from "./http/router";

/** A WebSocket (or raw upgrade) endpoint: gets the socket after the token check. */
interface UpgradeRoute {
  /** Exact path, or a prefix when it ends with `*`. */
  path: string;
  handle: (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;
}

interface AgentServerParts {
  config: AgentConfig;
  activity: ActivityTracker;
  routes: Route[];
  upgrades: UpgradeRoute[];
}

function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Shared by every WebSocket endpoint; frames up to 4 MB, no compression (terminal output is latency-bound). */
export const webSockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });

export function createAgentServer({ config, activity, routes, upgrades }: AgentServerParts): http.Server {
  const allRoutes: Route[] = [
    {
      method: "GET",
      path: "/health",
      handle: (_req, res) => sendJSON(res, 200, { ...activity.health(config.runtimeId), memberGroups: MemberGroups.report() }),
    },
    ...routes,
  ];
  const server = http.createServer(async (req, res) => {
    try {
      if (!tokenMatches(config.token, req.headers[AGENT_TOKEN_HEADER])) throw new ApiError("unauthorized", "missing or wrong agent token");
      const url = routableURL(req.url);
      await matchRoute(allRoutes, req.method ?? "GET", url.pathname).handle(req, res, url);
    } catch (err) {
      sendError(res, err);
    }
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (!tokenMatches(config.token, req.headers[AGENT_TOKEN_HEADER])) return refuseUpgrade(socket, 401, "Unauthorized");
    let url: URL;
    try {
      url = routableURL(req.url);
    } catch {
      return refuseUpgrade(socket, 400, "Bad Request");
    }
    const route = upgrades.find((r) => (r.path.endsWith("*") ? url.pathname.startsWith(r.path.slice(0, -1)) : url.pathname === r.path));
    if (!route) return refuseUpgrade(socket, 404, "Not Found");
    route.handle(req, socket, head, url);
  });
  // Long-lived streams (exec, snapshot transfer) must not be cut by Node's default request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
}

export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const code = status === 401 ? "unauthorized" : status === 400 ? "bad_request" : "not_found";
  const body = JSON.stringify({ error: { code, message: reason } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
