import type { Principal } from "@burstflare/sdk/protocol/agent";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectionRegistry } from "../../../src/agent/connections/connection-registry";

/**
 * A share link's socket carries the link's expiry: the control plane refuses the link's next
 * request after it, and the agent, which holds the socket, ends it then. Fake timers, so a link
 * that lasts 30 days (past setTimeout's ~24.8-day limit) is checked without waiting.
 */

const DAY = 24 * 3600 * 1000;
const viaLink = (connectionId: string, expiresAt?: number): Principal => ({
  connectionId,
  userId: null,
  credential: { kind: "share", id: "shr_1" },
  ...(expiresAt === undefined ? {} : { expiresAt }),
});

afterEach(() => {
  vi.useRealTimers();
});

describe("ConnectionRegistry: expiring credentials", () => {
  it("ends a connection when its link expires, also 30 days on, and forgets it", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 7) });
    const registry = new ConnectionRegistry();
    const ended: string[] = [];
    registry.track(viaLink("conn_soon", Date.now() + 60_000), () => ended.push("soon"));
    registry.track(viaLink("conn_month", Date.now() + 30 * DAY), () => ended.push("month"));
    registry.track(viaLink("conn_forever"), () => ended.push("forever"));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(ended).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toEqual(["soon"]);
    // Past the longest single timer: a timer that overflowed would have fired at once.
    await vi.advanceTimersByTimeAsync(29 * DAY);
    expect(ended).toEqual(["soon"]);
    await vi.advanceTimersByTimeAsync(DAY);
    expect(ended).toEqual(["soon", "month"]);
    expect(registry.close({ credential: { kind: "share", id: "shr_1" } })).toEqual({ closed: ["conn_forever"], open: [] });
  });

  it("leaves alone a connection that closed first, and one already past its expiry ends on the next tick, not inside track()", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 7) });
    const registry = new ConnectionRegistry();
    const ended: string[] = [];
    const forget = registry.track(viaLink("conn_closed", Date.now() + 1000), () => ended.push("closed"));
    forget();
    registry.track(viaLink("conn_late", Date.now() - 1), () => ended.push("late"));
    expect(ended).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(ended).toEqual(["late"]);
    expect(registry.close({ credential: { kind: "share", id: "shr_1" } })).toEqual({ closed: [], open: [] });
  });
});
