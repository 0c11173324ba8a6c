import http from "node:http";

// Placeholder host: answers /health so the stack can start; the runtime plane replaces it.
const port = Number(process.env.BURSTFLARE_HOST_PORT ?? 8790);
http
  .createServer((req, res) => {
    res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: req.url === "/health" }));
  })
  .listen(port, "127.0.0.1");
