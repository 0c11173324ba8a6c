// A private git repository over smart HTTP for test/stack/git.test.ts: `git http-backend` (CGI)
// behind this small server, which answers 401 unless basic auth carries the expected token.
// Usage: node git-server.mjs <project root> <port> <user> <token> [address] [cert.pem key.pem];
// with a certificate it serves HTTPS. Prints {"listening":port}.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";

const [root, portText, user, token, address = "127.0.0.1", certFile, keyFile] = process.argv.slice(2);
const expected = `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`;

const handler = (req, res) => {
  if (req.headers.authorization !== expected) {
    process.stdout.write(`${JSON.stringify({ refused: req.url, had: Boolean(req.headers.authorization) })}\n`);
    res.writeHead(401, { "www-authenticate": 'Basic realm="test"' });
    res.end("authentication required\n");
    return;
  }
  const url = new URL(req.url ?? "/", "http://git.test");
  const cgi = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: user,
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
      GIT_PROTOCOL: req.headers["git-protocol"] ?? "",
    },
  });
  req.pipe(cgi.stdin);
  // CGI answers headers, a blank line, then the body.
  let head = Buffer.alloc(0);
  let sent = false;
  cgi.stdout.on("data", (chunk) => {
    if (sent) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    const headers = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString().split("\r\n")) {
      const i = line.indexOf(":");
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (name === "status") status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    sent = true;
    res.write(head.subarray(end + 4));
  });
  cgi.stdout.on("end", () => res.end());
  cgi.on("error", () => res.destroy());
};
const server = certFile
  ? https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, handler)
  : http.createServer(handler);
server.listen(Number(portText), address, () => process.stdout.write(`${JSON.stringify({ listening: Number(portText) })}\n`));
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
