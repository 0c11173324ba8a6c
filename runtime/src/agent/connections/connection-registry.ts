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

/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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

  /**
   * Registers a socket; the returned function forgets it (call it when the socket closes). One
   * whose credential expires (a share link's expiry) is ended then: the control plane refuses
   * the credential's next request, and nothing else would end what it already opened.
   */
  track(principal: Principal | null, end: () => void): () => void {
    // A reused connection id (a retried upgrade) must not forget the other socket.
    const id = principal && !this.open.has(principal.connectionId) ? principal.connectionId : `local-${randomBytes(6).toString("hex")}`;
    this.open.set(id, { principal, end });
    const disarm = principal?.expiresAt === undefined ? () => {} : this.endAt(id, end, principal.expiresAt);
    return () => {
      disarm();
      if (this.open.get(id)?.end === end) this.open.delete(id);
    };
  }

  /** Ends the connection at `at` (epoch ms); a timer holds at most ~24.8 days, so a later time re-arms. */
  private endAt(id: string, end: () => void, at: number): () => void {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const wait = at - Date.now();
      if (wait <= 0) {
        if (this.open.get(id)?.end !== end) return;
        this.open.delete(id);
        try {
          end();
        } catch {}
        return;
      }
      timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
      timer.unref();
    };
    // Never synchronously inside track(): the caller has not finished setting the socket up.
    timer = setTimeout(arm, 0);
    timer.unref();
    return () => clearTimeout(timer);
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
