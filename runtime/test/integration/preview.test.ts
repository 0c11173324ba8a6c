import fs from "node:fs";
import path from "node:path";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { agentExec, agentFetch, ROOT, useTestHost } from "../helpers/host";
import { waitFor } from "../helpers/wait";

/** A dev server as a template would run it: HTTP echo plus a WebSocket echo (hot reload's channel). */
const devServer = (label = "dev") => `
const http = require("node:http");
const { WebSocketServer } = require(${JSON.stringify(path.join(ROOT, "node_modules/ws"))});
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "x-dev": ${JSON.stringify(label)} });
    res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, token: req.headers["x-agent-token"] ?? null, body }));
  });
});
new WebSocketServer({ server }).on("connection", (ws, req) => ws.on("message", (m) => ws.send("echo:" + req.url + ":" + m)));
server.listen(Number(process.env.PORT), "127.0.0.1");
`;

describe("preview proxy", () => {
  const ctx = useTestHost("preview", { previewPort: 3000 });
  let port: number;
  beforeAll(async () => {
    // $PORT is the port the proxy targets: the declared one in a runtime with its own network.
    port = Number((await agentExec(ctx.info, 'printf %s "$PORT"')).output);
  });

  it("shows a clear page naming the port while nothing listens", async () => {
    const res = await agentFetch(ctx.info, "/preview/");
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain(`Nothing is listening on port ${port}`);
    expect(page).toContain("python3 -m http.server $PORT");
    const ws = new WebSocket(`${ctx.info.agentURL.replace("http", "ws")}/preview/socket`, {
      headers: { "x-agent-token": ctx.info.agentToken },
    });
    const status = await new Promise<number>((resolve) => ws.on("unexpected-response", (_req, r) => resolve(r.statusCode ?? 0)));
    expect(status).toBe(502);
  });

  it("proxies HTTP and WebSocket traffic to the dev server inside the runtime", async () => {
    fs.writeFileSync(path.join(ctx.info.workspaceDir, "server.cjs"), devServer());
    await agentExec(ctx.info, "nohup node server.cjs > server.log 2>&1 &");
    await waitFor(async () => (await agentFetch(ctx.info, "/preview/")).status === 200, "dev server up");

    const res = await agentFetch(ctx.info, "/preview/hello/world?x=1&y=%20", { method: "POST", body: "payload" });
    expect(res.headers.get("x-dev")).toBe("dev");
    // The agent token never reaches the user's server; the Host is one dev servers accept.
    expect(await res.json()).toEqual({
      method: "POST",
      url: "/hello/world?x=1&y=%20",
      host: `localhost:${port}`,
      token: null,
      body: "payload",
    });
    expect(await (await agentFetch(ctx.info, "/preview")).json()).toMatchObject({ url: "/" });

    const ws = new WebSocket(`${ctx.info.agentURL.replace("http", "ws")}/preview/hmr?v=2`, {
      headers: { "x-agent-token": ctx.info.agentToken },
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const reply = new Promise<string>((resolve) => ws.once("message", (m) => resolve(m.toString())));
    ws.send("ping");
    expect(await reply).toBe("echo:/hmr?v=2:ping");
    const health = (await (await agentFetch(ctx.info, "/health")).json()) as {
      connections: { preview: number };
      lastActivity: { preview: number };
    };
    expect(health.connections.preview).toBe(1);
    expect(health.lastActivity.preview).toBeGreaterThan(Date.now() - 5000);
    ws.close();
    await waitFor(
      async () =>
        ((await (await agentFetch(ctx.info, "/health")).json()) as { connections: { preview: number } }).connections.preview === 0,
      "preview connection closed",
    );
  });

  it("lets two runtimes that declare the same preview port both listen on it, each with its own preview", async () => {
    const a = await ctx.host.start("preview-a", { previewPort: 3000 });
    const b = await ctx.host.start("preview-b", { previewPort: 3000 });
    const portOf = async (r: RuntimeInfo) => Number((await agentExec(r, 'printf %s "$PORT"')).output);
    expect([await portOf(a), await portOf(b)]).toEqual([3000, 3000]);
    for (const [r, label] of [
      [a, "a"],
      [b, "b"],
    ] as const) {
      fs.writeFileSync(path.join(r.workspaceDir, "server.cjs"), devServer(label));
      await agentExec(r, "nohup node server.cjs > server.log 2>&1 &");
    }
    for (const [r, label] of [
      [a, "a"],
      [b, "b"],
    ] as const) {
      await waitFor(async () => (await agentFetch(r, "/preview/")).status === 200, `server ${label} up`);
      expect((await agentFetch(r, "/preview/")).headers.get("x-dev")).toBe(label);
    }
  });

  it("relays a dev server's WebSocket handshake without the Set-Cookie lines a preview may not send", async () => {
    // A hostile dev server answers its upgrades itself, with cookies for the app and our names,
    // in CRLF and in bare-LF heads.
    const hostile = `
const http = require("node:http");
const crypto = require("node:crypto");
const server = http.createServer((req, res) => res.end("ok"));
server.on("upgrade", (req, socket) => {
  const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  const eol = req.url.startsWith("/lf") ? "\\n" : "\\r\\n";
  socket.write([
    "HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: " + accept,
    "Set-Cookie: bf_session=evil; Domain=localhost; Path=/",
    "set-cookie: __Host-bf_preview=evil; Path=/; Secure",
    "SET-COOKIE: =bf_csrf=evil",
    "Set-Cookie: theme=dark; Path=/",
    "Set-Cookie:x=1;Path=/;Domain=.localhost",
    "Clear-Site-Data: \\"*\\"",
    "X-Dev: kept",
  ].join(eol) + eol + eol);
  socket.on("data", () => {});
});
server.listen(Number(process.env.PORT), "127.0.0.1");
`;
    const r = await ctx.host.start("preview-cookies", { previewPort: 3000 });
    fs.writeFileSync(path.join(r.workspaceDir, "hostile.cjs"), hostile);
    await agentExec(r, "nohup node hostile.cjs > hostile.log 2>&1 &");
    await waitFor(async () => (await agentFetch(r, "/preview/")).status === 200, "hostile server up");
    for (const where of ["/preview/hmr", "/preview/lf"]) {
      const ws = new WebSocket(`${r.agentURL.replace("http", "ws")}${where}`, { headers: { "x-agent-token": r.agentToken } });
      const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
        ws.once("upgrade", (res) => resolve(res.headers));
        ws.once("error", reject);
      });
      ws.terminate();
      expect(headers["set-cookie"], where).toEqual(["theme=dark; Path=/"]);
      expect(headers["clear-site-data"], where).toBeUndefined();
      expect(headers["x-dev"], where).toBe("kept");
    }
  });

  it("explains how to configure a preview port when the template has none", async () => {
    const bare = await ctx.host.start("no-preview");
    const res = await agentFetch(bare, "/preview/");
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("previewPort");
  });

  it("requires the agent token", async () => {
    expect((await fetch(`${ctx.info.agentURL}/preview/`)).status).toBe(401);
  });
});
