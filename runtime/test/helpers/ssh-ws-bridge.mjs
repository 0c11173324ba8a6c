#!/usr/bin/env node
// ProxyCommand for OpenSSH: bridges stdin/stdout to a WebSocket that carries raw SSH bytes
// (the agent's GET /ssh, or the Worker's /runtime/sessions/:id/ssh).
//   ssh -o ProxyCommand="node ssh-ws-bridge.mjs ws://127.0.0.1:PORT/ssh" user@runtime
// Request headers come from the JSON object in BF_BRIDGE_HEADERS (token, authorized keys).
import WebSocket from "ws";

const url = process.argv[2];
if (!url) {
  process.stderr.write("usage: ssh-ws-bridge.mjs <ws-url>\n");
  process.exit(2);
}
const headers = JSON.parse(process.env.BF_BRIDGE_HEADERS || "{}");
const ws = new WebSocket(url, { headers, perMessageDeflate: false });
const HIGH_WATER = 4 * 1024 * 1024;

ws.on("unexpected-response", (_req, res) => {
  process.stderr.write(`ssh-ws-bridge: server answered ${res.statusCode}\n`);
  process.exit(1);
});
ws.on("error", (err) => {
  process.stderr.write(`ssh-ws-bridge: ${err.message}\n`);
  process.exit(1);
});
ws.on("open", () => {
  process.stdin.on("data", (chunk) => {
    ws.send(chunk, { binary: true });
    // Do not read faster than the socket drains.
    if (ws.bufferedAmount > HIGH_WATER) {
      process.stdin.pause();
      const wait = setInterval(() => {
        if (ws.bufferedAmount < HIGH_WATER / 4) {
          clearInterval(wait);
          process.stdin.resume();
        }
      }, 5);
    }
  });
  process.stdin.on("end", () => ws.close(1000));
});
ws.on("message", (data) => {
  if (!process.stdout.write(data)) {
    ws.pause();
    process.stdout.once("drain", () => ws.resume());
  }
});
// Exit once everything received has been written out.
ws.on("close", () => process.stdout.write("", () => process.exit(0)));
