import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import {
  type ClosedConnections,
  type ConnectionMatch,
  connectionMatch,
  decodePrincipal,
  PRINCIPAL_HEADER,
  type Principal,
  principalMatches,
} from "@burstflare/sdk/protocol/agent";
import type { WebSocket } from "ws";
import { readJSON, sendJSON } from "../http/respond";
import type { Route } from "../http/router";

interface OpenConnection {
  principal: Principal | null;
  end: () => void;
}

/**
 * The agent's open terminal, ssh and preview sockets, and the commands and background processes
 * it runs, by who opened or started them (PRINCIPAL_HEADER, set by the control plane). Revoking
 * access ends the matching ones here, where they live: a revoked credential does not keep a
 * command running any more than a socket open. A socket or command without a principal (the
 * control plane's own calls) is never matched.
 */
export class ConnectionRegistry {
  private readonly open = new Map<string, OpenConnection>();
  private readonly lostAccessHooks: ((userId: string) => void)[] = [];

  static principalOf(req: IncomingMessage): Principal | null {
    return decodePrincipal(req.headers[PRINCIPAL_HEADER]);
  }

  /** Registers a socket; the returned function forgets it (call it when the socket closes). */
  track(principal: Principal | null, end: () => void): () => void {
    // A reused connection id (a retried upgrade) must not forget the other socket.
    const id = principal && !this.open.has(principal.connectionId) ? principal.connectionId : `local-${randomBytes(6).toString("hex")}`;
    this.open.set(id, { principal, end });
    return () => {
      if (this.open.get(id)?.end === end) this.open.delete(id);
    };
  }

  /** Runs when a user loses runtime access altogether (their terminal shells and SSH jobs end there). */
  onLostAccess(hook: (userId: string) => void): void {
    this.lostAccessHooks.push(hook);
  }

  close(match: ConnectionMatch): ClosedConnections {
    if (match.lostAccess && match.userId !== undefined) {
      for (const hook of this.lostAccessHooks) {
        try {
          hook(match.userId);
        } catch {}
      }
    }
    const closed: string[] = [];
    for (const [id, conn] of this.open) {
      if (!conn.principal || !principalMatches(conn.principal, match)) continue;
      this.open.delete(id);
      closed.push(id);
      try {
        conn.end();
      } catch {}
    }
    return { closed, open: [...this.open.keys()] };
  }
}

/** Ends a revoked WebSocket: a close frame the client sees, then the socket, should the peer not answer. */
export function endWebSocket(ws: WebSocket): void {
  ws.close(1008, "access revoked");
  setTimeout(() => ws.terminate(), 1000).unref();
}

/**
 * POST /connections/close (agent token checked by the server, like every route). `endWork` ends
 * what the revoked principals left running outside the registry (their member groups); when it
 * fails, the sockets are closed all the same and the answer is an error, so the control plane logs it.
 */
export function connectionRoutes(registry: ConnectionRegistry, endWork: (match: ConnectionMatch) => Promise<void>): Route[] {
  return [
    {
      method: "POST",
      path: "/connections/close",
      handle: async (req, res) => {
        const match = await readJSON(req, connectionMatch);
        const result = registry.close(match);
        await endWork(match);
        sendJSON(res, 200, result);
      },
    },
  ];
}
