import { type AgentHealth, agentHealth } from "@burstflare/sdk/protocol/runtime-host";
import { ACTIVITY_KINDS, type SessionActivity } from "@burstflare/sdk/schemas/sessions";
import { iso } from "../lib/time";

export interface KeepAwakeLease {
  id: string;
  until: number;
  createdBy: string | null;
}

export interface IdleInputs {
  now: number;
  idleTimeoutSeconds: number;
  /** When the session last became running: a fresh session counts as just active. */
  readyAt: number | null;
  health: AgentHealth | null;
  leases: KeepAwakeLease[];
}

interface IdleVerdict {
  lastActivityAt: number | null;
  sleepsAt: number;
  /** When the "about to sleep" warning is due: a minute before, or a quarter of short timeouts. */
  warnAt: number;
  keptAwakeBy: string[];
}

export function warnLeadMs(idleTimeoutSeconds: number): number {
  return Math.min(60_000, (idleTimeoutSeconds * 1000) / 4);
}

/**
 * The agent's /health answer as the control plane counts it: refused (null) when malformed, and a
 * time later than `now` counts as `now`, so a claim of activity in the future cannot push the
 * session's sleep past one idle timeout from the moment it is read.
 */
export function healthOf(raw: unknown, now: number): AgentHealth | null {
  const parsed = agentHealth.safeParse(raw);
  if (!parsed.success) return null;
  const times = parsed.data.lastActivity;
  const lastActivity = Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, times[k] === null ? null : Math.min(times[k], now)]));
  return { ...parsed.data, lastActivity: lastActivity as AgentHealth["lastActivity"] };
}

export function activeLeases(leases: KeepAwakeLease[], now: number): KeepAwakeLease[] {
  return leases.filter((l) => l.until > now);
}

/**
 * The agent, not the DO, counts activity (traffic passes the DO untouched), so idleness is
 * read from its /health: the newest activity of any kind plus the idle timeout, held further
 * by keep-awake leases. Traffic on an open terminal or SSH connection moves its activity time,
 * so a connection in use never reaches sleepsAt.
 */
export function judgeIdle(i: IdleInputs): IdleVerdict {
  const times = [i.readyAt, ...ACTIVITY_KINDS.map((k) => i.health?.lastActivity[k] ?? null)].filter((t): t is number => t !== null);
  const lastActivityAt = times.length > 0 ? Math.max(...times) : null;
  const leases = activeLeases(i.leases, i.now);
  const leaseUntil = leases.reduce((m, l) => Math.max(m, l.until), 0);
  const sleepsAt = Math.max((lastActivityAt ?? i.now) + i.idleTimeoutSeconds * 1000, leaseUntil);
  const keptAwakeBy: string[] = [];
  for (const l of leases) keptAwakeBy.push(`keep-awake lease until ${iso(l.until)}`);
  const c = i.health?.connections;
  if (c?.terminal) keptAwakeBy.push(`${c.terminal} open terminal connection(s)`);
  if (c?.ssh) keptAwakeBy.push(`${c.ssh} open SSH connection(s)`);
  if (c?.preview) keptAwakeBy.push(`${c.preview} open preview connection(s)`);
  for (const k of ACTIVITY_KINDS) {
    const t = i.health?.lastActivity[k];
    if (t != null && t + i.idleTimeoutSeconds * 1000 > i.now) keptAwakeBy.push(`${k} activity at ${iso(t)}`);
  }
  if (keptAwakeBy.length === 0 && i.readyAt !== null && i.readyAt + i.idleTimeoutSeconds * 1000 > i.now) {
    keptAwakeBy.push(`started at ${iso(i.readyAt)}`);
  }
  return { lastActivityAt, sleepsAt, warnAt: sleepsAt - warnLeadMs(i.idleTimeoutSeconds), keptAwakeBy };
}

export function toActivity(i: IdleInputs, v: IdleVerdict): SessionActivity {
  const h = i.health;
  return {
    idleTimeoutSeconds: i.idleTimeoutSeconds,
    lastActivityAt: iso(v.lastActivityAt),
    lastActivity: {
      terminal: iso(h?.lastActivity.terminal),
      ssh: iso(h?.lastActivity.ssh),
      preview: iso(h?.lastActivity.preview),
      files: iso(h?.lastActivity.files),
    },
    connections: h?.connections ?? { terminal: 0, ssh: 0, preview: 0 },
    leases: activeLeases(i.leases, i.now).map((l) => ({ id: l.id, until: iso(l.until) ?? "", createdBy: l.createdBy })),
    sleepsAt: iso(v.sleepsAt),
    keptAwakeBy: v.keptAwakeBy,
  };
}
