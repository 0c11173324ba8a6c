import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { AGENT_TOKEN_HEADER } from "@burstflare/sdk/protocol/runtime-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityTracker } from "../../src/agent/activity/activity-tracker";
import type { AgentConfig } from "../../src/agent/config";
import { PreviewProxy } from "../../src/agent/preview/preview-proxy";
import { createAgentServer } from "../../src/agent/server";

/**
 * The agent routes on the raw request line, as Node hands it over, so it refuses what the
 * control plane refuses: a path whose encoded slashes or dot segments would name another route
 * once decoded or normalised. The dev server behind /preview records every path it is asked for;
 * the file routes record that they ran. Requests go over raw sockets: fetch() would normalise them.
 */

const TOKEN = "agent-paths-token";
const reached: string[] = [];
const upstreamPaths: string[] = [];
let agentPort = 0;
let agent: http.Server;
let devServer: http.Server;

interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

function raw(target: string, extraHeaders = "connection: close\r\n"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(agentPort, "127.0.0.1", () => {
      socket.write(`GET ${target} HTTP/1.1\r\nhost: agent\r\n${AGENT_TOKEN_HEADER}: ${TOKEN}\r\n${extraHeaders}\r\n`);
    });
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => {
      data += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const split = data.indexOf("\r\n\r\n");
      const head = data.slice(0, split);
      resolve({ status: Number(head.split(" ")[1]), headers: head.toLowerCase(), body: data.slice(split + 4) });
    });
  });
}

const upgrade = (target: string) =>
  raw(target, "connection: upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n");

beforeAll(async () => {
  devServer = http.createServer((req, res) => {
    upstreamPaths.push(req.url ?? "");
    res.end(`dev server saw ${req.url}`);
  });
  await new Promise<void>((resolve) => devServer.listen(0, "127.0.0.1", resolve));
  const activity = new ActivityTracker();
  const preview = new PreviewProxy((devServer.address() as AddressInfo).port, activity);
  const record = (name: string) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
    reached.push(name);
    res.end(name);
  };
  const config: AgentConfig = {
    port: 0,
    host: "127.0.0.1",
    token: TOKEN,
    runtimeId: "paths",
    workspace: "/nonexistent",
    dataDir: "/nonexistent",
    persistedPaths: [],
    previewPort: null,
    sshHostKeySeed: null,
    userEnv: {},
  };
  agent = createAgentServer({
    config,
    activity,
    routes: [
      { method: "GET", path: "/files/tree", handle: record("files/tree") },
      { method: "POST", path: "/exec", handle: record("exec") },
      { method: "*", path: "/preview", handle: (req, res) => preview.handle(req, res) },
      { method: "*", path: "/preview/*", handle: (req, res) => preview.handle(req, res) },
    ],
    upgrades: [
      { path: "/terminal", handle: (_req, socket) => socket.end("HTTP/1.1 418 terminal\r\n\r\n") },
      { path: "/preview/*", handle: (req, socket, head) => preview.upgrade(req, socket, head) },
    ],
  });
  await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve));
  agentPort = (agent.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => agent.close(resolve));
  await new Promise((resolve) => devServer.close(resolve));
});

/** Each would reach another route (or another file) once decoded or normalised. */
const REFUSED = [
  "/files%2F..%2Fpreview%2Fx",
  "/files%2f..%2fpreview%2fx",
  "/files%252F..%252Fpreview%252Fx",
  "/files%5C..%5Cpreview%5Cx",
  "/files\\..\\preview\\x",
  "/preview/..%2Ffiles/tree",
  "/preview/../files/tree",
  "/preview/%2e%2e/files/tree",
  "/preview/.%2E/exec",
  "/preview/%2E%2E%2Fexec",
  "/preview/a/%252e%252e/%252e%252e/exec",
  "/preview/./x",
  "/files/./tree",
  "/preview/..;/files/tree",
  "/preview/%EF%BC%8Fetc",
  "/preview/%EF%BC%8E%EF%BC%8E/exec",
  "/preview/%c0%af",
  "/preview/%c0%ae%c0%ae/exec",
  "/preview/a%00b",
  "/preview/a%0d%0aset-cookie:%20x=1",
  "/preview//evil.example/",
  "//preview/x",
  "http://evil.example/preview/x",
  `/preview/${"a".repeat(2000)}`,
  `/preview${"/a".repeat(2100)}`,
];

describe("agent router: raw paths that would leave their route", () => {
  it("answers 400 with the JSON error, and no handler or dev server sees the request", async () => {
    for (const target of REFUSED) {
      const res = await raw(target);
      expect(res.status, target).toBe(400);
      expect(res.headers, target).toContain("content-type: application/json");
      expect(JSON.parse(res.body).error.code, target).toBe("bad_request");
    }
    expect(reached).toEqual([]);
    expect(upstreamPaths).toEqual([]);
  });

  it("refuses the same paths as WebSocket upgrades", async () => {
    for (const target of ["/terminal%2F..%2Fpreview%2Fx", "/preview/..%2Fterminal", "/preview/../terminal", "/preview/%2e%2e/terminal"]) {
      const res = await upgrade(target);
      expect(res.status, target).toBe(400);
      expect(JSON.parse(res.body).error.code, target).toBe("bad_request");
    }
    expect(upstreamPaths).toEqual([]);
  });

  it("still routes legitimate paths, and the dev server gets exactly the remainder after /preview", async () => {
    expect((await raw("/files/tree?path=src")).body).toBe("files/tree");
    for (const [target, upstream] of [
      ["/preview/", "/"],
      ["/preview", "/"],
      ["/preview/assets/app.js?v=1&q=%2F..%2F", "/assets/app.js?v=1&q=%2F..%2F"],
      ["/preview/node_modules/.vite/deps/react.js", "/node_modules/.vite/deps/react.js"],
      ["/preview/100%25.html", "/100%25.html"],
      ["/preview/a%20b/...", "/a%20b/..."],
    ] as const) {
      const res = await raw(target);
      expect(res.status, target).toBe(200);
      expect(res.body, target).toBe(`dev server saw ${upstream}`);
    }
    expect(reached).toEqual(["files/tree"]);
    expect((await upgrade("/terminal")).status).toBe(418);
  });
});
