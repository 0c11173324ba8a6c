import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityTracker } from "../../../src/agent/activity/activity-tracker";
import { ConnectionRegistry } from "../../../src/agent/connections/connection-registry";
import { PortProxies } from "../../../src/agent/ports/port-proxy";

const listen = (server: http.Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

describe("/port/<n>: the pass-through to any port of the session", () => {
  const app = http.createServer((req, res) => res.end(`app saw ${req.url}`));
  let appPort = 0;
  let agentPort = 0;
  const agent = http.createServer();

  beforeAll(async () => {
    appPort = await listen(app);
    const proxies = new PortProxies(() => agentPort, new ActivityTracker(), new ConnectionRegistry());
    agent.on("request", (req, res) => proxies.handle(req, res));
    agentPort = await listen(agent);
  });
  afterAll(() => {
    app.close();
    agent.close();
  });

  /** A raw request line, as sent (fetch would resolve dot segments before sending). */
  const get = (path: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: agentPort, path }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.end();
    });

  it("reaches the port named in the path, with the rest of the path", async () => {
    expect(await get(`/port/${appPort}/a/b?c=1`)).toEqual({ status: 200, text: "app saw /a/b?c=1" });
    expect(await get(`/port/${appPort}`)).toEqual({ status: 200, text: "app saw /" });
  });

  it("refuses the agent's own port, non-canonical and out-of-range ports, and dot segments", async () => {
    expect((await get(`/port/${agentPort}/health`)).status).toBe(404);
    expect((await get(`/port/0${appPort}/`)).status).toBe(404);
    expect((await get("/port/70000/")).status).toBe(404);
    expect((await get("/port/0/")).status).toBe(404);
    expect((await get(`/port/${appPort}x/`)).status).toBe(404);
    expect((await get(`/port/${appPort}/%2e%2e/x`)).status).toBe(400);
  });
});
