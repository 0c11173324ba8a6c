import { DurableObject } from "cloudflare:workers";
import { ApiError, type ErrorCode } from "@burstflare/sdk/errors";
import type { ConnectionMatch } from "@burstflare/sdk/protocol/agent";
import type { SessionActivity } from "@burstflare/sdk/schemas/sessions";
import type { AppBindings } from "../env";
import { errorResponse } from "../lib/errors";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { describeActivity, keepAwake, onAlarm, scheduleCheck } from "../sessions/awake";
import { closeSessionConnections, recordConnection } from "../sessions/connections";
import { type LifecycleRecord, RECORD_KEY, SessionCore } from "../sessions/core";
import {
  type Actor,
  deleteSession,
  endStalledWork,
  restartSession,
  startSession,
  stopSession,
  undeleteSession,
} from "../sessions/lifecycle";
import { INTERNAL_HEADERS, proxyToAgent } from "../sessions/proxy";

/** What lifecycle RPCs return: the DO's record without the runtime's secrets. */
type LifecycleView = Omit<LifecycleRecord, "runtime">;

/** RPC drops an error's own fields, so ApiErrors travel as values and are re-thrown by the caller. */
type RPCResult<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

async function asResult<T>(fn: () => Promise<T>): Promise<RPCResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: { code: err.code, message: err.message } };
    log("error", "session DO operation failed", { error: String(err), stack: err instanceof Error ? err.stack : undefined });
    return { ok: false, error: { code: "internal", message: "internal error" } };
  }
}

const view = (r: LifecycleRecord): LifecycleView => {
  const { runtime: _runtime, ...rest } = r;
  return rest;
};

/**
 * One per session (idFromName(sessionId)): owns the lifecycle state machine, serialises
 * transitions, runs the idle alarm and passes runtime traffic to the agent. The logic lives
 * in api/src/sessions/*; this class only routes calls to it.
 */
/** Storage keys of spent ssh tokens (claimSSHToken), with the time each expires. */
const SSH_CLAIM_PREFIX = "ssh-claimed:";

export class SessionDO extends DurableObject<AppBindings> {
  private readonly core: SessionCore;

  constructor(ctx: DurableObjectState, env: AppBindings) {
    super(ctx, env);
    this.core = new SessionCore(ctx.storage, env);
    // A fresh instance never has a transition in flight: a stored `starting`/`stopping` was cut
    // short (eviction, redeploy). The alarm finishes it (awake.ts onAlarm).
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<LifecycleRecord>(RECORD_KEY);
      if (stored?.state === "starting" || stored?.state === "stopping") await ctx.storage.setAlarm(now() + 250);
    });
  }

  private lifecycle(sessionId: string, op: (core: SessionCore) => Promise<void>): Promise<RPCResult<LifecycleView>> {
    return asResult(async () => {
      await this.core.load(sessionId);
      try {
        await this.core.exclusive(() => op(this.core));
      } finally {
        if (this.core.current.state === "running") await scheduleCheck(this.core, now() + 1000);
      }
      return view(this.core.current);
    });
  }

  start(sessionId: string): Promise<RPCResult<LifecycleView>> {
    return this.lifecycle(sessionId, (core) => startSession(core));
  }

  stop(sessionId: string, actor: Actor): Promise<RPCResult<LifecycleView>> {
    return this.lifecycle(sessionId, (core) => stopSession(core, actor));
  }

  restart(sessionId: string, actor: Actor): Promise<RPCResult<LifecycleView>> {
    return this.lifecycle(sessionId, (core) => restartSession(core, actor));
  }

  async remove(sessionId: string, actor: Actor): Promise<RPCResult<LifecycleView>> {
    await this.core
      .load(sessionId)
      .then(() => endStalledWork(this.core))
      .catch(() => {});
    return this.lifecycle(sessionId, (core) => deleteSession(core, actor));
  }

  /** Operator restore inside the retention window (api/src/admin/restore.ts). */
  undelete(sessionId: string): Promise<RPCResult<LifecycleView>> {
    return this.lifecycle(sessionId, (core) => undeleteSession(core));
  }

  /**
   * Reconcile's nudge (api/src/reconcile/sessions.ts): run the idle check now, as the alarm
   * would, in case the alarm was lost. An idle session is flushed, then slept; a lost runtime fails.
   */
  checkIdle(sessionId: string): Promise<RPCResult<LifecycleView>> {
    return asResult(async () => {
      await this.core.load(sessionId);
      await onAlarm(this.core);
      return view(this.core.current);
    });
  }

  keepAwake(sessionId: string, minutes: number, userId: string | null): Promise<RPCResult<LifecycleView>> {
    return asResult(async () => {
      await this.core.load(sessionId);
      await keepAwake(this.core, minutes, userId);
      return view(this.core.current);
    });
  }

  describe(sessionId: string): Promise<RPCResult<{ record: LifecycleView; activity: SessionActivity | null }>> {
    return asResult(async () => {
      await this.core.load(sessionId);
      const activity = await describeActivity(this.core);
      return { record: view(this.core.current), activity };
    });
  }

  /** Revocation (api/src/sessions/connections.ts): ends the open connections whose principal matches. */
  closeConnections(sessionId: string, match: ConnectionMatch): Promise<RPCResult<number>> {
    return asResult(async () => {
      await this.core.load(sessionId);
      return closeSessionConnections(this.core, match);
    });
  }

  /**
   * Spends an ssh token for this session once (api/src/sessions/ssh-tokens.ts): KV is eventually
   * consistent, so another location may still answer a token already used; this object is the one
   * place that decides. Entries go once the token has expired.
   */
  async claimSSHToken(tokenHash: string, expiresAt: number): Promise<boolean> {
    const t = now();
    const spent = await this.ctx.storage.list<number>({ prefix: SSH_CLAIM_PREFIX });
    const stale = [...spent].filter(([, until]) => until <= t).map(([key]) => key);
    if (stale.length) await this.ctx.storage.delete(stale);
    const key = `${SSH_CLAIM_PREFIX}${tokenHash}`;
    if (spent.has(key) && !stale.includes(key)) return false;
    await this.ctx.storage.put(key, expiresAt);
    return true;
  }

  async alarm(): Promise<void> {
    try {
      await onAlarm(this.core);
    } catch (err) {
      log("error", "session alarm failed", { error: String(err) });
      if (this.core.current?.state === "running") await scheduleCheck(this.core, now() + 5000);
    }
  }

  /** `/events` (SSE), `/runtime` (user traffic, may wake) and `/agent` (control-plane calls, never wakes). */
  async fetch(request: Request): Promise<Response> {
    try {
      const sessionId = request.headers.get(INTERNAL_HEADERS.sessionId);
      if (!sessionId) throw new ApiError("bad_request", "missing session id");
      await this.core.load(sessionId);
      const { pathname } = new URL(request.url);
      if (pathname === "/events") {
        const last = Number(request.headers.get("last-event-id") ?? Number.NaN);
        return this.core.hub.subscribe(Number.isFinite(last) ? last : null);
      }
      const agentPath = request.headers.get(INTERNAL_HEADERS.agentPath);
      if (!agentPath?.startsWith("/")) throw new ApiError("bad_request", "missing agent path");
      if (pathname === "/runtime") {
        await recordConnection(this.ctx.storage, request, agentPath);
        return await proxyToAgent(this.core, request, agentPath, request.headers.get(INTERNAL_HEADERS.wake) === "1");
      }
      if (pathname === "/agent") return await proxyToAgent(this.core, request, agentPath, false);
      throw new ApiError("not_found", "no such session endpoint");
    } catch (err) {
      if (err instanceof ApiError) {
        const refusal = errorResponse(err);
        refusal.headers.set(INTERNAL_HEADERS.refusal, "session");
        return refusal;
      }
      log("error", "session DO request failed", { error: String(err) });
      return errorResponse(new ApiError("internal", "internal error"));
    }
  }
}
