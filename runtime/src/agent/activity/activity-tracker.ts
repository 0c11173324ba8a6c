import type { AgentHealth } from "@burstflare/sdk/protocol/runtime-host";

type ActivityKind = keyof AgentHealth["lastActivity"];
type ConnectionKind = keyof AgentHealth["connections"];

/**
 * What keeps the runtime awake. The agent, not the Durable Object, counts traffic,
 * because WebSockets are passed through the DO without being re-framed.
 */
export class ActivityTracker {
  private readonly startedAt = Date.now();
  private readonly last: AgentHealth["lastActivity"] = { terminal: null, ssh: null, preview: null, files: null };
  private readonly open: AgentHealth["connections"] = { terminal: 0, ssh: 0, preview: 0 };

  touch(kind: ActivityKind): void {
    this.last[kind] = Date.now();
  }

  /** Counts an open connection until the returned function is called (idempotent). */
  connect(kind: ConnectionKind): () => void {
    this.open[kind] += 1;
    this.touch(kind);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.open[kind] -= 1;
      this.touch(kind);
    };
  }

  health(runtimeId: string): AgentHealth {
    return {
      ok: true,
      runtimeId,
      uptimeMs: Date.now() - this.startedAt,
      lastActivity: { ...this.last },
      connections: { ...this.open },
    };
  }
}
