#!/usr/bin/env node
// ProxyCommand for the bench's direct baseline: stdin/stdout ↔ the agent's /ssh WebSocket on its
// loopback port, skipping the Worker and the session DO (local driver only).
//   node direct-ssh-bridge.mjs <agent ws url> <agent token> <base64url authorized keys> <user>
import { createWebSocketStream, WebSocket } from "ws";

const [url, agentToken, keys, user] = process.argv.slice(2);
const ws = new WebSocket(url, {
  headers: { "x-agent-token": agentToken, "x-ssh-authorized-keys": keys, "x-ssh-user": user },
  perMessageDeflate: false,
  // As flare ssh-proxy does (cli/src/ssh/tunnel.ts): no masking, so the two differ only by the Worker hop.
  generateMask: (mask) => mask.fill(0),
});
const stream = createWebSocketStream(ws);
stream.on("error", () => process.exit(1));
process.stdin.pipe(stream).pipe(process.stdout);
stream.on("end", () => process.exit(0));
