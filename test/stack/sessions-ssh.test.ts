import { sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { Client, utils } from "ssh2";
import { describe, expect, it } from "vitest";
import WebSocket, { createWebSocketStream } from "ws";
import { api, baseURL, createSession, expectOK } from "./helpers/api";
import { createStackUser, type StackUser } from "./helpers/users";

async function sshToken(user: StackUser, sessionId: string): Promise<{ token: string; sshUser: string }> {
  return sshTokenSchema.parse(await expectOK(await api(user, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId } })));
}

/** Runs `command` over SSH carried by the session's /ssh WebSocket; resolves with stdout or the auth error. */
function sshExec(sessionId: string, token: string, username: string, privateKey: string, command: string): Promise<string> {
  const socket = new WebSocket(`${baseURL().replace(/^http/, "ws")}/runtime/sessions/${sessionId}/ssh`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return new Promise((resolve, reject) => {
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
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
            resolve(out);
          });
        });
      });
      client.connect({ sock: createWebSocketStream(socket), username, privateKey, readyTimeout: 20_000 });
    });
  });
}

describe("ssh through the runtime route", () => {
  it("admits the token user's registered key, refuses another key and a replayed token", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "sshd" });
    const keys = utils.generateKeyPairSync("ed25519", { comment: "stack test" });
    await expectOK(await api(user, "POST /api/auth/ssh-keys", { body: { publicKey: keys.public, name: "stack" } }));

    const first = await sshToken(user, session.id);
    const out = await sshExec(session.id, first.token, first.sshUser, keys.private, "echo ssh-$((20+22)) && whoami >/dev/null; echo $USER");
    expect(out).toContain("ssh-42");
    expect(out).toContain(first.sshUser);

    // The spent token does not open a second connection.
    await expect(sshExec(session.id, first.token, first.sshUser, keys.private, "true")).rejects.toThrow(/401/);

    const other = utils.generateKeyPairSync("ed25519");
    const second = await sshToken(user, session.id);
    await expect(sshExec(session.id, second.token, second.sshUser, other.private, "true")).rejects.toThrow(/authentication/i);
  });
});
