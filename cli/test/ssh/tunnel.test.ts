import { createHash, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { bridge, openTunnel, sshTunnelURL, TunnelError } from "../../src/ssh/tunnel";

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real WebSocket server on loopback; `onConnection` plays the runtime's side. */
async function server(opts: { verify?: (auth: string | undefined) => boolean; onConnection?: (ws: import("ws").WebSocket) => void }) {
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    verifyClient: (info, cb) => {
      if (opts.verify && !opts.verify(info.req.headers.authorization)) {
        cb(false, 401, "Unauthorized", { "content-type": "application/json" });
        return;
      }
      cb(true);
    },
  });
  servers.push(wss);
  await new Promise((r) => wss.once("listening", r));
  wss.on("connection", (ws) => opts.onConnection?.(ws));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("sshTunnelURL", () => {
  it("maps the API origin to the ws(s) ssh route", () => {
    expect(sshTunnelURL("http://localhost:8787", "ses_1")).toBe("ws://localhost:8787/runtime/sessions/ses_1/ssh");
    expect(sshTunnelURL("https://bf.example.com/", "a b")).toBe("wss://bf.example.com/runtime/sessions/a%20b/ssh");
  });
});

describe("bridge", () => {
  it("carries 8 MB each way byte for byte and ends when the input ends", async () => {
    let seenAuth: string | undefined;
    const url = await server({
      verify: (auth) => {
        seenAuth = auth;
        return true;
      },
      onConnection: (ws) => {
        // Echo server that also closes when the client does, as the runtime's SSH socket does.
        ws.on("message", (data: Buffer) => ws.send(data));
      },
    });
    const tunnel = await openTunnel(url, "bfs_token");
    expect(seenAuth).toBe("Bearer bfs_token");
    const input = new PassThrough();
    const output = new PassThrough();
    const received: Buffer[] = [];
    let receivedBytes = 0;
    const payload = randomBytes(8 * 1024 * 1024);
    output.on("data", (d: Buffer) => {
      received.push(d);
      receivedBytes += d.length;
      if (receivedBytes === payload.length) input.end();
    });
    const done = bridge(tunnel, input, output);
    for (let i = 0; i < payload.length; i += 256 * 1024) input.write(payload.subarray(i, i + 256 * 1024));
    await done;
    expect(sha(Buffer.concat(received))).toBe(sha(payload));
  });

  it("delivers everything the server sent before it closed, then resolves", async () => {
    const tail = randomBytes(512 * 1024);
    const url = await server({
      onConnection: (ws) => {
        ws.send(Buffer.from("SSH-2.0-test\r\n"));
        ws.send(tail, () => ws.close(1000));
      },
    });
    const tunnel = await openTunnel(url, "t");
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on("data", (d: Buffer) => chunks.push(d));
    const input = new PassThrough();
    await bridge(tunnel, input, output);
    const all = Buffer.concat(chunks);
    expect(all.subarray(0, 14).toString()).toBe("SSH-2.0-test\r\n");
    expect(sha(all.subarray(14))).toBe(sha(tail));
  });
});

describe("openTunnel", () => {
  it("rejects a refused upgrade with the status and an actionable code", async () => {
    const url = await server({ verify: (auth) => auth === "Bearer good" });
    const err = await openTunnel(url, "bad").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelError);
    expect((err as TunnelError).status).toBe(401);
    expect((err as TunnelError).code).toBe("unauthorized");
  });

  it("reports an unreachable server as network_error", async () => {
    const err = await openTunnel("ws://127.0.0.1:9/runtime/sessions/x/ssh", "t").catch((e: unknown) => e);
    expect((err as TunnelError).code).toBe("network_error");
  });
});
