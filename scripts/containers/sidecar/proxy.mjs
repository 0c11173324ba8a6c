// workerd starts this container first and runs the application container inside its network
// namespace; every request from the Worker to a container port arrives here as an HTTP CONNECT.
// What workerd expects from it (its container client):
//   CONNECT 127.0.0.1:<port> (header X-Dst-Addr)  2xx and a raw tunnel, 400 when nothing listens
//   PUT /egress {port, dns?, internet?}            where workerd's egress listener is; any 2xx
//   GET /ca                                        the CA it would inject for HTTPS interception
// Outbound interception (iptables TPROXY into workerd) is not implemented: containers reach the
// network directly through the engine's bridge, which is what `enableInternet = true` allows.
// Flags workerd passes (--http-egress-port, --docker-gateway-cidr, --dns-enabled, …) are accepted.
import http from "node:http";
import net from "node:net";

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const [host, port] = (flag("--http-ingress-address") ?? "0.0.0.0:39001").split(":");
let egress = { port: Number(flag("--http-egress-port") ?? 0) };

const server = http.createServer((req, res) => {
  if (req.method === "PUT" && req.url === "/egress") {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      try {
        egress = JSON.parse(body || "{}");
        res.writeHead(204).end();
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("invalid JSON");
      }
    });
    return;
  }
  if (req.method === "GET" && req.url === "/ca") {
    // No interception, so no CA: an empty bundle is a valid file for workerd to copy.
    res.writeHead(200, { "content-type": "application/x-pem-file" }).end("");
    return;
  }
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, egress }));
    return;
  }
  res.writeHead(404).end();
});

server.on("connect", (req, clientSocket, head) => {
  const target = req.headers["x-dst-addr"] ?? req.url ?? "";
  const sep = target.lastIndexOf(":");
  const dstHost = target.slice(0, sep);
  const dstPort = Number(target.slice(sep + 1));
  // Ingress is only ever to the application container, which shares this network namespace.
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(dstHost) || !Number.isInteger(dstPort) || dstPort <= 0 || dstPort > 65535) {
    clientSocket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
    return;
  }
  const upstream = net.connect({ host: "127.0.0.1", port: dstPort });
  upstream.once("connect", () => {
    upstream.setNoDelay(true);
    clientSocket.setNoDelay(true);
    clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head?.length) upstream.write(head);
    upstream.pipe(clientSocket);
    clientSocket.pipe(upstream);
  });
  upstream.once("error", (err) => {
    if (!clientSocket.writable) return;
    // 400 is workerd's "container is not listening on that port" (it retries until ready).
    const status = err.code === "ECONNREFUSED" ? "400 Bad Request" : "502 Bad Gateway";
    clientSocket.end(`HTTP/1.1 ${status}\r\ncontent-length: 0\r\n\r\n`);
  });
  clientSocket.on("error", () => upstream.destroy());
  upstream.on("close", () => clientSocket.destroy());
  clientSocket.on("close", () => upstream.destroy());
});

server.listen(Number(port), host, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ event: "listening", port: typeof address === "object" ? address?.port : port })}\n`);
});
// Open tunnels would hold close() forever; the container is going away, so exit promptly.
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => process.exit(0));
