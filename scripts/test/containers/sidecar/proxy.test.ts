import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The stand-in sidecar answers the requests workerd's container client makes of it; run here as a
// plain process, with loopback standing in for the shared network namespace.
let proxy: ChildProcess;
let port = 0;

beforeAll(async () => {
  proxy = spawn(
    process.execPath,
    [path.join(__dirname, "../../../containers/sidecar/proxy.mjs"), "--http-egress-port", "1234", "--http-ingress-address", "127.0.0.1:0"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  port = await new Promise<number>((resolve, reject) => {
    proxy.stdout?.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()).port));
    proxy.once("exit", (code) => reject(new Error(`proxy exited ${code}`)));
  });
});

afterAll(() => {
  proxy.kill("SIGTERM");
});

/** Sends a raw CONNECT as workerd does and returns the status line and the socket. */
function connect(target: string): Promise<{ status: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nX-Dst-Addr: ${target}\r\n\r\n`);
    });
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      resolve({ status: buf.slice(0, buf.indexOf("\r\n")), socket });
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
}

describe("egress sidecar stand-in", () => {
  it("tunnels a CONNECT to a listening port both ways", async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const target = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
    const { status, socket } = await connect(target);
    expect(status).toBe("HTTP/1.1 200 Connection Established");
    const reply = new Promise<string>((r) => socket.once("data", (d) => r(d.toString())));
    socket.write("ping through the tunnel");
    expect(await reply).toBe("ping through the tunnel");
    socket.destroy();
    echo.close();
  });

  it("answers 400 when nothing listens (workerd then retries until the agent is up)", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const free = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const { status, socket } = await connect(`127.0.0.1:${free}`);
    expect(status).toBe("HTTP/1.1 400 Bad Request");
    socket.destroy();
  });

  it("refuses to tunnel anywhere but the container itself", async () => {
    const { status, socket } = await connect("192.0.2.1:80");
    expect(status).toBe("HTTP/1.1 403 Forbidden");
    socket.destroy();
  });

  it("accepts egress configuration and serves a CA file", async () => {
    const put = await fetch(`http://127.0.0.1:${port}/egress`, {
      method: "PUT",
      body: JSON.stringify({ port: 4321, internet: { enabled: true } }),
    });
    expect(put.status).toBe(204);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { egress: { port: number } };
    expect(health.egress.port).toBe(4321);
    expect((await fetch(`http://127.0.0.1:${port}/egress`, { method: "PUT", body: "{" })).status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${port}/ca`)).status).toBe(200);
  });
});
