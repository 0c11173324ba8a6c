import WebSocket from "ws";
import { baseURL, until } from "./api";
import { visitPreview } from "./preview-host";
import { putFile, shell } from "./snapshot-tree";
import { createSessionWithManifest } from "./templates";
import type { StackUser } from "./users";

/**
 * A dev server for preview tests, started inside a session through the terminal on `$PORT` (the
 * port the runtime's preview proxy targets). HTTP answers with the path and the cookies it was
 * sent, and tries to set one of our cookies; a WebSocket upgrade gets one text frame
 * "hello <path>". No npm packages needed.
 */
export const PREVIEW_SERVER = `const http = require("node:http");
const crypto = require("node:crypto");
const server = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "set-cookie": ["bf_session=stolen; Path=/", "app=1; Path=/"] });
  res.end("<!doctype html><title>shared</title><h1>Shared preview " + req.url + "</h1><p>cookie: " + (req.headers.cookie || "none") + "</p>");
});
server.on("upgrade", (req, socket) => {
  const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + "\\r\\n\\r\\n");
  const msg = Buffer.from("hello " + req.url);
  socket.write(Buffer.concat([Buffer.from([0x81, msg.length]), msg]));
  socket.on("data", () => {});
  socket.on("error", () => {});
});
server.listen(Number(process.env.PORT), "127.0.0.1");
`;

/** A running session of `owner` whose preview answers with PREVIEW_SERVER; returns its id. */
export async function sessionWithPreviewServer(owner: StackUser, name: string): Promise<string> {
  const session = await createSessionWithManifest(owner, { persistedPaths: ["."], previewPort: 3000 }, { name });
  await putFile(owner, session.id, "preview-server.cjs", PREVIEW_SERVER);
  await shell(owner, session.id, "(nohup node preview-server.cjs > preview.log 2>&1 &)");
  const visit = await visitPreview(owner, session.id);
  await until(async () => {
    const res = await visit.get("/ready");
    return res.status === 200 && (await res.text()).includes("Shared preview /ready");
  }, "the preview server inside the session");
  return session.id;
}

/** Opens a WebSocket on the app origin and reports its handshake status and first message (101 + text, or the refusal). */
export function openWS(path: string, headers: Record<string, string> = {}): Promise<{ status: number; message: string | null }> {
  return openWSAt(`${baseURL().replace(/^http/, "ws")}${path}`, headers);
}

/** A WebSocket at an absolute URL that got its first message, left open (to see when it closes). */
export function heldWSAt(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    socket.once("message", () => resolve(socket));
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

/** Opens a WebSocket at an absolute URL (a preview host, say); same report as openWS. */
export function openWSAt(url: string, headers: Record<string, string> = {}): Promise<{ status: number; message: string | null }> {
  const socket = new WebSocket(url, { headers });
  return new Promise((resolve) => {
    socket.once("message", (data: Buffer) => {
      socket.close();
      resolve({ status: 101, message: data.toString() });
    });
    socket.once("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0, message: null }));
    socket.once("error", () => resolve({ status: 0, message: null }));
  });
}
