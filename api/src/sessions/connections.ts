import {
  type ClosedConnections,
  type ConnectionCredential,
  type ConnectionMatch,
  closedConnections,
  decodePrincipal,
  encodePrincipal,
  PRINCIPAL_HEADER,
  type Principal,
  principalMatches,
} from "@burstflare/sdk/protocol/agent";
import type { Context } from "hono";
import type { AppBindings, AppEnv } from "../env";
import { bodySnippet, boundedJSON, SMALL_ANSWER_BYTES } from "../lib/bounded-body";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { now } from "../lib/time";
import type { AuthContext } from "../middleware/auth";
import { runningSessionIdsNamingUser } from "../shares/shares-repo";
import type { SessionCore } from "./core";
import { runningSessionIdsOfUser, runningSessionIdsOfWorkspace } from "./sessions-repo";
import { sessionStub, unwrap } from "./stub";

/**
 * Who holds each open runtime connection, and how revoking access ends them. The Worker names
 * the principal on the upgrade it forwards (PRINCIPAL_HEADER; a client's copy is stripped first),
 * the session DO keeps a registry of the upgrades it passed to the agent, and the agent, which
 * owns the sockets (frames never pass through the Worker or the DO), ends the matching ones on
 * POST /connections/close.
 */

interface ConnectionRecord {
  connectionId: string;
  principal: Principal;
  /** terminal, ssh or preview. */
  kind: string;
  openedAt: number;
}

const KEY_PREFIX = "conn:";
/**
 * Entries outlive their sockets until the agent reports them closed; this bounds the leftovers.
 * Revocation never depends on them (closeSessionConnections always asks the agent).
 */
const MAX_RECORDS = 512;

/** The credential behind an authenticated request, as a connection remembers it. */
export function credentialOf(auth: Pick<AuthContext, "via" | "signInId" | "apiTokenId">): ConnectionCredential {
  if (auth.via === "api_token" && auth.apiTokenId) return { kind: "api_token", id: auth.apiTokenId };
  return { kind: "sign_in", id: auth.signInId ?? "unknown" };
}

/** Names the principal on a request the Worker forwards to the session DO. */
export function setPrincipal(request: Request, p: Omit<Principal, "connectionId">): void {
  request.headers.set(PRINCIPAL_HEADER, encodePrincipal({ connectionId: newId("conn"), ...p }));
}

const isUpgrade = (req: Request) => req.headers.get("upgrade")?.toLowerCase() === "websocket";

/** Keeps who opened a WebSocket the DO is about to hand to the agent. */
export async function recordConnection(storage: DurableObjectStorage, request: Request, agentPath: string): Promise<void> {
  if (!isUpgrade(request)) return;
  const principal = decodePrincipal(request.headers.get(PRINCIPAL_HEADER));
  if (!principal) return;
  const kind = agentPath.split(/[/?]/)[1] ?? "";
  const record: ConnectionRecord = { connectionId: principal.connectionId, principal, kind, openedAt: now() };
  await storage.put(`${KEY_PREFIX}${principal.connectionId}`, record);
  const all = await storage.list<ConnectionRecord>({ prefix: KEY_PREFIX });
  if (all.size > MAX_RECORDS) {
    const oldest = [...all.values()].sort((a, b) => a.openedAt - b.openedAt).slice(0, all.size - MAX_RECORDS);
    await storage.delete(oldest.map((r) => `${KEY_PREFIX}${r.connectionId}`));
  }
}

export async function listConnections(storage: DurableObjectStorage): Promise<ConnectionRecord[]> {
  return [...(await storage.list<ConnectionRecord>({ prefix: KEY_PREFIX })).values()];
}

/**
 * Ends this session's connections that match. The agent is always asked while the runtime runs:
 * its registry of open sockets is the authoritative one, while the DO's is bounded (MAX_RECORDS)
 * and anyone who may open connections can push records out of it. Its answer (what is still
 * open) also drops records of sockets that closed by themselves.
 */
export async function closeSessionConnections(core: SessionCore, match: ConnectionMatch): Promise<number> {
  const records = await listConnections(core.storage);
  const info = core.current.state === "running" ? core.current.runtime : null;
  if (!info) {
    // No runtime, no sockets: what the registry remembers is gone with it.
    if (records.some((r) => principalMatches(r.principal, match))) {
      await core.storage.delete(records.map((r) => `${KEY_PREFIX}${r.connectionId}`));
    }
    return 0;
  }
  const res = await core.driver.fetchAgent(info, "/connections/close", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(match),
  });
  if (!res.ok) throw new Error(`agent refused to close connections: ${res.status} ${await bodySnippet(res)}`);
  const result: ClosedConnections = closedConnections.parse(await boundedJSON(res, SMALL_ANSWER_BYTES));
  const open = new Set(result.open);
  // A record younger than this may be an upgrade the agent has not accepted yet.
  const settled = now() - 10_000;
  const gone = records.filter((r) => !open.has(r.connectionId) && r.openedAt < settled).map((r) => `${KEY_PREFIX}${r.connectionId}`);
  if (gone.length) await core.storage.delete(gone);
  return result.closed.length;
}

/** Where the revoked principal may hold connections. */
type RevocationScope = { userId: string } | { workspaceId: string } | { sessionId: string };

async function runningSessions(env: AppBindings, scope: RevocationScope): Promise<string[]> {
  if ("sessionId" in scope) return [scope.sessionId];
  const db = dbOf(env);
  if (!("userId" in scope)) return runningSessionIdsOfWorkspace(db, scope.workspaceId);
  // A user's sockets: in their workspaces' sessions, and through `people` links naming them elsewhere.
  const [own, named] = await Promise.all([runningSessionIdsOfUser(db, scope.userId), runningSessionIdsNamingUser(db, scope.userId)]);
  return [...new Set([...own, ...named])];
}

/** Tells each affected session's DO to end the matching connections; failures are logged, never thrown. */
export async function closeConnections(env: AppBindings, scope: RevocationScope, match: ConnectionMatch): Promise<number> {
  const ids = await runningSessions(env, scope);
  const results = await Promise.allSettled(ids.map(async (id) => unwrap(await sessionStub(env, id).closeConnections(id, match))));
  let closed = 0;
  for (const r of results) {
    if (r.status === "fulfilled") closed += r.value;
    else log("warn", "closing revoked connections failed", { error: String(r.reason) });
  }
  return closed;
}

/**
 * The revocation hook the routes call once the revocation is written: the fan-out runs after the
 * response (and is awaited where there is no execution context, as in tests).
 */
export async function closeConnectionsAfter(c: Context<AppEnv>, scope: RevocationScope, match: ConnectionMatch): Promise<void> {
  const work = closeConnections(c.env, scope, match).catch((err) => {
    log("error", "closing revoked connections failed", { error: String(err) });
  });
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    await work;
  }
}
