import WebSocket from "ws";

/**
 * Opens the session's terminal WebSocket (Origin = the app, bearer token), types `command` and
 * resolves with the output once `expect` shows up in it.
 */
export function terminalRoundTrip(client, sessionId, command, expect, timeoutMs = 30_000) {
  const url = `${client.baseURL.replace(/^http/, "ws")}/runtime/sessions/${sessionId}/terminal`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: client.headers() });
    let output = "";
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no "${expect}" in terminal output within ${timeoutMs / 1000}s; got: ${JSON.stringify(output.slice(-300))}`));
    }, timeoutMs);
    const finish = (err) => {
      clearTimeout(timer);
      ws.close();
      if (err) reject(err);
      else resolve(output);
    };
    ws.on("unexpected-response", (_req, res) => finish(new Error(`terminal upgrade refused: HTTP ${res.statusCode}`)));
    ws.on("error", (err) => finish(err));
    ws.on("open", () => {
      ws.send(JSON.stringify({ type: "resize", cols: 120, rows: 30 }));
      ws.send(JSON.stringify({ type: "input", data: `${command}\r` }));
    });
    ws.on("message", (data) => {
      output += Buffer.isBuffer(data) ? data.toString("utf8") : String(data);
      if (output.includes(expect)) finish();
    });
  });
}
