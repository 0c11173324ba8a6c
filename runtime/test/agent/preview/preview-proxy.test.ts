import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityTracker } from "../../../src/agent/activity/activity-tracker";
import { PreviewProxy } from "../../../src/agent/preview/preview-proxy";

const listen = (server: http.Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

/** Writes raw bytes to the proxy and resolves with the response once its whole body (content-length) came. */
function rawRequest(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(data));
    let got = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      got += d;
      const end = got.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: (\d+)/i.exec(got.slice(0, end));
      if (end >= 0 && length && got.length >= end + 4 + Number(length[1])) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on("error", reject);
  });
}

describe("preview proxy: request bodies", () => {
  const seen: { method?: string; url?: string; body: string }[] = [];
  const dev = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("latin1");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, body });
      res.end(`saw ${req.method} ${req.url}`);
    });
  });
  const agent = http.createServer();
  let agentPort = 0;

  beforeAll(async () => {
    const proxy = new PreviewProxy(await listen(dev), new ActivityTracker());
    agent.on("request", (req, res) => proxy.handle(req, res));
    agentPort = await listen(agent);
  });
  afterAll(() => {
    agent.close();
    dev.close();
  });

  it.each(["DELETE", "OPTIONS", "GET"])(
    "forwards a chunked %s body as a body, so a request hidden in it never reaches the dev server",
    async (method) => {
      seen.length = 0;
      const hidden = "GET /smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
      const attack = `${method} /preview/a HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n`;
      expect(await rawRequest(agentPort, attack)).toMatch(new RegExp(`^HTTP/1.1 200 [^]*saw ${method} /a$`));
      // The next request through the proxy reuses the kept-alive upstream connection.
      expect(await rawRequest(agentPort, "GET /preview/next HTTP/1.1\r\nHost: p\r\nContent-Length: 0\r\n\r\n")).toMatch(/saw GET \/next$/);
      expect(seen).toEqual([
        { method, url: "/a", body: hidden },
        { method: "GET", url: "/next", body: "" },
      ]);
    },
  );
});
