import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { ApiError } from "@burstflare/sdk/errors";
import { DROPPED_PREVIEW_HEADERS, isAllowedPreviewCookie } from "@burstflare/sdk/preview-cookies";
import { PRINCIPAL_HEADER } from "@burstflare/sdk/protocol/agent";
import { AGENT_TOKEN_HEADER } from "@burstflare/sdk/protocol/runtime-host";
import type { ActivityTracker } from "../activity/activity-tracker";
import { ConnectionRegistry } from "../connections/connection-registry";
import { sendError } from "../http/respond";
import { routableURL } from "../http/router";
import { refuseUpgrade } from "../server";
import { previewUnavailablePage } from "./preview-page";

const PREFIX = "/preview";
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
  AGENT_TOKEN_HEADER,
  PRINCIPAL_HEADER,
]);

/**
 * The path the dev server sees: "/preview/a?b" → "/a?b", built from the validated remainder (no
 * encoded slash, no dot segment: routableURL), so it never names anything but a path of the app.
 */
function upstreamPath(rawURL: string | undefined, prefix = PREFIX): string {
  const url = routableURL(rawURL);
  if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) throw new ApiError("not_found", "not a preview path");
  return `/${url.pathname.slice(prefix.length + 1)}${url.search}`;
}

function forwardHeaders(req: IncomingMessage, port: number): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  // Dev servers (Vite and friends) refuse unknown Host headers; localhost is always allowed.
  headers.host = `localhost:${port}`;
  headers["x-forwarded-host"] = req.headers["x-forwarded-host"] ?? req.headers.host ?? "";
  headers["x-forwarded-proto"] = req.headers["x-forwarded-proto"] ?? "http";
  // A chunked body (no content-length) stays chunked upstream. Node's client chunks a body by
  // itself only for POST/PUT/PATCH; for a GET, DELETE or OPTIONS it would write the bytes raw, and
  // a body holding a whole request would reach the dev server as a second request (past the path
  // checks and the forced Host). Re-chunking rather than refusing: real apps send DELETE bodies.
  if (req.headers["transfer-encoding"] !== undefined && req.headers["content-length"] === undefined) {
    headers["transfer-encoding"] = "chunked";
  }
  return headers;
}

/** HTTP and WebSocket pass-through from /preview/* to 127.0.0.1:previewPort. */
export class PreviewProxy {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly port: number | null,
    private readonly activity: ActivityTracker,
    private readonly connections: ConnectionRegistry = new ConnectionRegistry(),
    /** Where this proxy's paths start: /preview, or /port/<n> for any port of the session (ports/port-proxy.ts). */
    private readonly prefix: string = PREFIX,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.activity.touch("preview");
    const port = this.port;
    if (!port) {
      this.unavailable(res, "no preview port");
      return;
    }
    let path: string;
    try {
      path = upstreamPath(req.url, this.prefix);
    } catch (err) {
      sendError(res, err);
      return;
    }
    const done = this.activity.connect("preview");
    res.on("close", done);
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port,
        method: req.method,
        path,
        headers: forwardHeaders(req, port),
        agent: this.agent,
      },
      (upstreamRes) => {
        const headers = { ...upstreamRes.headers };
        delete headers.connection;
        delete headers["keep-alive"];
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
        upstreamRes.pipe(res);
        upstreamRes.on("error", () => res.destroy());
      },
    );
    upstream.on("error", (err: NodeJS.ErrnoException) => {
      if (!res.headersSent) this.unavailable(res, err.code ?? err.message);
      else res.destroy();
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** Replays the upgrade request to the dev server over a raw TCP socket, then splices the two sockets. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.activity.touch("preview");
    const port = this.port;
    if (!port) {
      rawUnavailable(socket, port, "no preview port");
      return;
    }
    let path: string;
    try {
      path = upstreamPath(req.url, this.prefix);
    } catch {
      refuseUpgrade(socket, 400, "Bad Request");
      return;
    }
    const upstream = net.connect(port, "127.0.0.1");
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      const done = this.activity.connect("preview");
      const headers = forwardHeaders(req, port);
      headers.connection = "Upgrade";
      headers.upgrade = req.headers.upgrade ?? "websocket";
      let head0 = `${req.method ?? "GET"} ${path} HTTP/1.1\r\n`;
      for (const [name, value] of Object.entries(headers)) {
        for (const v of Array.isArray(value) ? value : [value]) head0 += `${name}: ${v}\r\n`;
      }
      upstream.write(`${head0}\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream);
      relayResponseHead(upstream, socket);
      const touch = () => this.activity.touch("preview");
      socket.on("data", touch);
      upstream.on("data", touch);
      let forget = () => {};
      const close = () => {
        done();
        forget();
        socket.destroy();
        upstream.destroy();
      };
      forget = this.connections.track(ConnectionRegistry.principalOf(req), close);
      socket.on("close", close);
      upstream.on("close", close);
    });
    upstream.on("error", (err: NodeJS.ErrnoException) => {
      if (!connected) rawUnavailable(socket, port, err.code ?? err.message);
      else socket.destroy();
    });
    socket.on("error", () => upstream.destroy());
  }

  private unavailable(res: ServerResponse, detail: string): void {
    const page = previewUnavailablePage(this.port, detail);
    res.writeHead(502, {
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(page),
      "cache-control": "no-store",
    });
    res.end(page);
  }
}

/** A dev server's response head larger than this is not a handshake we relay. */
const MAX_RESPONSE_HEAD = 64 * 1024;
const HEAD_END = /\r?\n\r?\n/;

/**
 * The dev server's answer to an upgrade, with its head filtered as the Worker filters any preview
 * response: a Set-Cookie on a WebSocket handshake (a 101) reaches the browser like any other, so
 * `Set-Cookie: bf_session=…; Domain=<app domain>` must not pass here either. Everything after the
 * head (the frames) is piped untouched.
 */
function filterResponseHead(head: string): string {
  const [status = "", ...lines] = head.split(/\r?\n/);
  const kept = lines.filter((line) => {
    // Folded continuation lines (obsolete) could extend a header past this filter: never relayed.
    if (/^[ \t]/.test(line)) return false;
    const colon = line.indexOf(":");
    if (colon <= 0) return false;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === "set-cookie") return isAllowedPreviewCookie(line.slice(colon + 1).trim());
    return !DROPPED_PREVIEW_HEADERS.includes(name);
  });
  return [status, ...kept].join("\r\n");
}

function relayResponseHead(upstream: net.Socket, socket: Duplex): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const text = buffered.toString("latin1");
    const end = HEAD_END.exec(text);
    if (!end) {
      if (buffered.length > MAX_RESPONSE_HEAD) {
        upstream.destroy();
        socket.destroy();
      }
      return;
    }
    upstream.off("data", onData);
    upstream.pause();
    socket.write(`${filterResponseHead(text.slice(0, end.index))}\r\n\r\n`, "latin1");
    // latin1 maps bytes to characters one to one: string offsets are byte offsets.
    const rest = buffered.subarray(end.index + end[0].length);
    if (rest.length) socket.write(rest);
    upstream.pipe(socket);
  };
  upstream.on("data", onData);
}

function rawUnavailable(socket: Duplex, port: number | null, detail: string): void {
  const page = previewUnavailablePage(port, detail);
  socket.end(
    `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(page)}\r\nconnection: close\r\n\r\n${page}`,
  );
}
