import type { Principal } from "@burstflare/sdk/protocol/agent";
import { terminalClientFrame, terminalQuery } from "@burstflare/sdk/protocol/terminal";
import type { RawData, WebSocket } from "ws";
import type { ActivityTracker } from "../activity/activity-tracker";
import { type ConnectionRegistry, endWebSocket } from "../connections/connection-registry";
import { parseWith, queryOf, sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import type { TerminalManager } from "./terminal-manager";

/**
 * GET /terminal WebSocket: attaches the socket to a terminal (created on first use) and feeds it
 * validated frames. The socket is registered under its principal, so revoking access ends it.
 */
export function handleTerminalSocket(
  ws: WebSocket,
  url: URL,
  terminals: TerminalManager,
  activity: ActivityTracker,
  connections: ConnectionRegistry,
  principal: Principal | null,
) {
  let session: ReturnType<TerminalManager["open"]>;
  try {
    const query = parseWith(terminalQuery, queryOf(url));
    const shared = query.shared === undefined ? undefined : query.shared === "1";
    session = terminals.open(query.terminal, query.cols, query.rows, { userId: principal?.userId ?? null, shared });
    // A reconnecting client that states its size gets it; one that does not keeps the current size.
    if (url.searchParams.has("cols") || url.searchParams.has("rows")) session.resize(query.cols, query.rows);
  } catch (err) {
    ws.close(1008, err instanceof Error ? err.message.slice(0, 120) : "bad request");
    return;
  }
  const done = activity.connect("terminal");
  ws.on("close", done);
  ws.on(
    "close",
    connections.track(principal, () => endWebSocket(ws)),
  );
  session.attach(ws, principal?.userId ?? null);
  ws.on("message", (raw: RawData, isBinary: boolean) => {
    if (isBinary) {
      ws.close(1003, "terminal frames are JSON text");
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw.toString());
    } catch {
      ws.close(1007, "frame is not JSON");
      return;
    }
    const frame = terminalClientFrame.safeParse(value);
    if (!frame.success) {
      ws.close(1008, "invalid terminal frame");
      return;
    }
    activity.touch("terminal");
    if (frame.data.type === "input") session.write(frame.data.data);
    else session.resize(frame.data.cols, frame.data.rows);
  });
}

/** GET /terminals: the runtime's live terminals. */
export function terminalRoutes(terminals: TerminalManager): Route[] {
  return [
    { method: "GET", path: "/terminals", handle: (_req, res) => sendJSON(res, 200, { terminals: terminals.list() }) },
    // Before a stop or sleep flush (api/src/sessions/lifecycle.ts): the shells end first, so the
    // snapshot holds what they write on exit and the kept workspace equals it.
    {
      method: "POST",
      path: "/terminals/end-all",
      handle: async (_req, res) => sendJSON(res, 200, { stillAlive: await terminals.endAll(3000) }),
    },
  ];
}
