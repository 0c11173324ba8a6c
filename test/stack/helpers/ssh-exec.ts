import { sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { Client } from "ssh2";
import WebSocket, { createWebSocketStream } from "ws";
import { api, baseURL, expectOK } from "./api";
import type { StackUser } from "./users";

/** A single-use ssh token for the session, as `flare ssh` mints it. */
export async function sshToken(user: StackUser, sessionId: string): Promise<{ token: string; sshUser: string }> {
  return sshTokenSchema.parse(await expectOK(await api(user, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId } })));
}

/**
 * Runs `command` with ssh2 over the session's /ssh WebSocket (no OpenSSH, no ProxyCommand).
 * Resolves with its output and the host key the session offered (base64), so a test can compare
 * keys across restarts; rejects with the upgrade status (e.g. 401) or ssh2's auth error.
 */
export function sshExec(
  sessionId: string,
  auth: { token: string; username: string; privateKey: string | Buffer },
  command: string,
): Promise<{ out: string; hostKey: string }> {
  const socket = new WebSocket(`${baseURL().replace(/^http/, "ws")}/runtime/sessions/${sessionId}/ssh`, {
    headers: { authorization: `Bearer ${auth.token}` },
  });
  return new Promise((resolve, reject) => {
    let hostKey = "";
    socket.once("unexpected-response", (_req, res) => reject(new Error(`ssh upgrade refused: ${res.statusCode}`)));
    socket.once("error", reject);
    socket.once("open", () => {
      const client = new Client();
      client.on("error", (err) => {
        socket.close();
        reject(err);
      });
      client.on("ready", () => {
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let out = "";
          stream.on("data", (d: Buffer) => {
            out += d.toString();
          });
          stream.on("close", () => {
            client.end();
            socket.close();
            resolve({ out, hostKey });
          });
        });
      });
      client.connect({
        sock: createWebSocketStream(socket),
        username: auth.username,
        privateKey: auth.privateKey,
        readyTimeout: 30_000,
        hostVerifier: (key: Buffer) => {
          hostKey = key.toString("base64");
          return true;
        },
      });
    });
  });
}
