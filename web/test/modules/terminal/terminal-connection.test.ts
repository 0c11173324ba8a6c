import { terminalQuery } from "@burstflare/sdk/protocol/terminal";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ConnectionStatus,
  type NetworkMonitor,
  TerminalConnection,
  terminalId,
  terminalURL,
} from "../../../src/modules/terminal/terminal-connection";

/** A WebSocket stand-in the test drives by hand: open, message, drop. */
class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  binaryType = "blob";
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  serverOpen() {
    this.readyState = 1;
    this.onopen?.();
  }
  serverSend(data: ArrayBuffer | string) {
    this.onmessage?.({ data });
  }
  drop() {
    this.readyState = 3;
    this.onerror?.();
    this.onclose?.();
  }
}

function fakeNetwork(initial = true) {
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  const monitor: NetworkMonitor = {
    isOnline: () => online,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    monitor,
    set(value: boolean) {
      online = value;
      for (const l of listeners) l(value);
    },
    listenerCount: () => listeners.size,
  };
}

function setup(network = fakeNetwork()) {
  const statuses: ConnectionStatus[] = [];
  const data: (Uint8Array | string)[] = [];
  const onReset = vi.fn();
  const conn = new TerminalConnection({
    url: () => "ws://app.test/runtime/sessions/s1/terminal?terminal=main",
    WebSocketImpl: FakeWebSocket as unknown as typeof WebSocket,
    network: network.monitor,
    onData: (d) => data.push(d),
    onReset,
    onStatus: (s) => statuses.push(s),
    random: () => 0.5,
  });
  return { conn, statuses, data, onReset, network, latest: () => FakeWebSocket.instances.at(-1)! };
}

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("TerminalConnection", () => {
  it("goes connecting → connected and writes binary frames as bytes", () => {
    const { conn, statuses, data, latest } = setup();
    conn.connect();
    expect(conn.currentStatus).toBe("connecting");
    expect(latest().binaryType).toBe("arraybuffer");
    latest().serverOpen();
    expect(statuses).toEqual(["connected"]);
    latest().serverSend(new TextEncoder().encode("42\r\n").buffer);
    expect(data[0]).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(data[0] as Uint8Array)).toBe("42\r\n");
  });

  it("sends input and resize as JSON text frames, and nothing while disconnected", () => {
    const { conn, latest } = setup();
    conn.connect();
    expect(conn.input("ls\r")).toBe(false);
    latest().serverOpen();
    expect(conn.input("echo hi\r")).toBe(true);
    expect(conn.resize(120, 40)).toBe(true);
    expect(latest().sent.map((s) => JSON.parse(s))).toEqual([
      { type: "input", data: "echo hi\r" },
      { type: "resize", cols: 120, rows: 40 },
    ]);
  });

  it("reconnects with growing backoff after a drop, and resets the view before the replay", () => {
    const { conn, statuses, onReset, latest } = setup();
    conn.connect();
    latest().serverOpen();
    expect(onReset).not.toHaveBeenCalled();

    latest().drop();
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);

    // The second attempt fails too: the next wait doubles.
    latest().drop();
    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(3);

    latest().serverOpen();
    expect(onReset).toHaveBeenCalledTimes(1);
    expect(statuses).toEqual(["connected", "reconnecting", "connected"]);

    // A successful open resets the backoff.
    latest().drop();
    vi.advanceTimersByTime(500);
    expect(FakeWebSocket.instances).toHaveLength(4);
  });

  it("caps the backoff", () => {
    const { conn, latest } = setup();
    conn.connect();
    for (let i = 0; i < 12; i++) {
      latest().drop();
      vi.advanceTimersByTime(10_000);
    }
    expect(FakeWebSocket.instances).toHaveLength(13);
  });

  it("shows offline when the browser goes offline and reconnects at once when it comes back", () => {
    const { conn, statuses, network, latest, onReset } = setup();
    conn.connect();
    latest().serverOpen();
    const first = latest();
    network.set(false);
    expect(statuses.at(-1)).toBe("offline");
    expect(first.readyState).toBe(3);
    // No retries while offline.
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);

    network.set(true);
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(FakeWebSocket.instances).toHaveLength(2);
    latest().serverOpen();
    expect(statuses).toEqual(["connected", "offline", "reconnecting", "connected"]);
    expect(onReset).toHaveBeenCalledTimes(1);
  });

  it("starts offline without dialling when the browser is offline", () => {
    const network = fakeNetwork(false);
    const { conn, statuses } = setup(network);
    conn.connect();
    expect(statuses).toEqual(["offline"]);
    expect(FakeWebSocket.instances).toHaveLength(0);
    network.set(true);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(conn.currentStatus).toBe("connecting");
  });

  it("ignores events of a replaced socket and stops everything on dispose", () => {
    const { conn, statuses, network, latest } = setup();
    conn.connect();
    const first = latest();
    first.serverOpen();
    conn.reconnectNow();
    const second = latest();
    first.drop();
    expect(statuses.at(-1)).toBe("reconnecting");
    second.serverOpen();
    expect(statuses.at(-1)).toBe("connected");
    conn.dispose();
    expect(second.readyState).toBe(3);
    expect(network.listenerCount()).toBe(0);
    second.drop();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it("builds the terminal URL on the app's origin with ws or wss", () => {
    expect(terminalURL("s 1", "t2", 100, 30, { protocol: "https:", host: "app.example" } as Location)).toBe(
      "wss://app.example/runtime/sessions/s%201/terminal?terminal=t2&cols=100&rows=30",
    );
    expect(terminalURL("s1", "main", 80, 24, { protocol: "http:", host: "localhost:8787" } as Location)).toMatch(
      /^ws:\/\/localhost:8787\//,
    );
  });
});

describe("terminalId", () => {
  it("gives two users different ids for the same tab, each one the runtime accepts", () => {
    const a = terminalId("usr_AbCdEfGhIjKlMnOp", "main");
    const b = terminalId("usr_QrStUvWxYz012345", "main");
    expect(a).not.toBe(b);
    for (const id of [a, b, terminalId("usr_AbCdEfGhIjKlMnOp", "t99")]) {
      expect(terminalQuery.safeParse({ terminal: id }).success).toBe(true);
    }
  });
});
