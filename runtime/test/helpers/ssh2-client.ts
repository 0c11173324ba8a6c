import fs from "node:fs";
import { encodePrincipal, PRINCIPAL_HEADER, type Principal, SSH_AUTHORIZED_KEYS_HEADER } from "@burstflare/sdk/protocol/agent";
import { AGENT_TOKEN_HEADER, type RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { Client, type ExecOptions } from "ssh2";
import WebSocket, { createWebSocketStream } from "ws";
import type { KeyPair } from "./ssh";

/**
 * An ssh2 client on the agent's /ssh WebSocket, as `principal` when given: for requests
 * /usr/bin/ssh will not send (a NUL in a command or an env value).
 */
export function sshConnect(info: RuntimeInfo, key: KeyPair, principal?: Principal): Promise<Client> {
  const socket = new WebSocket(`${info.agentURL.replace(/^http/, "ws")}/ssh`, {
    headers: {
      [AGENT_TOKEN_HEADER]: info.agentToken,
      [SSH_AUTHORIZED_KEYS_HEADER]: Buffer.from(key.publicKey).toString("base64"),
      ...(principal ? { [PRINCIPAL_HEADER]: encodePrincipal(principal) } : {}),
    },
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.once("open", () => {
      const client = new Client();
      client.once("ready", () => resolve(client));
      client.once("error", reject);
      client.on("close", () => socket.close());
      // An agent that died closes the socket: the client ends at once instead of waiting forever.
      socket.on("close", () => client.destroy());
      client.connect({ sock: createWebSocketStream(socket), username: "dev", privateKey: fs.readFileSync(key.privateKey) });
    });
  });
}

export interface ExecResult {
  stdout: string;
  code: number | null;
  signal: string | null;
}

/** Runs `command` on one channel; rejects when the server refuses the exec request. */
export function sshExec(client: Client, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, opts, (err, channel) => {
      if (err) return reject(err);
      let stdout = "";
      let code: number | null = null;
      let signal: string | null = null;
      channel.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      channel.stderr.on("data", () => {});
      channel.on("exit", (c: number | null, s?: string) => {
        code = c;
        signal = s ?? null;
      });
      channel.on("close", () => resolve({ stdout, code, signal }));
      client.once("close", () => reject(new Error("the SSH connection closed before the channel")));
    });
  });
}
