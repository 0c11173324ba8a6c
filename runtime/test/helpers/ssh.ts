import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SSH_AUTHORIZED_KEYS_HEADER } from "@burstflare/sdk/protocol/agent";
import { AGENT_TOKEN_HEADER, type RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";

export const BRIDGE = path.join(path.dirname(fileURLToPath(import.meta.url)), "ssh-ws-bridge.mjs");

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function makeKey(dir: string, name: string): KeyPair {
  const privateKey = path.join(dir, name);
  const res = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", privateKey]);
  if (res.status !== 0) throw new Error(`ssh-keygen failed: ${res.stderr}`);
  return { privateKey, publicKey: fs.readFileSync(`${privateKey}.pub`, "utf8").trim() };
}

/** Options that make /usr/bin/ssh and /usr/bin/scp reach the agent's /ssh WebSocket through the bridge. */
export function sshOptions(info: RuntimeInfo, key: KeyPair, knownHosts = "/dev/null"): string[] {
  const wsURL = `${info.agentURL.replace("http", "ws")}/ssh`;
  return [
    "-F",
    "/dev/null",
    "-i",
    key.privateKey,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    `StrictHostKeyChecking=${knownHosts === "/dev/null" ? "no" : "accept-new"}`,
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
    "-o",
    "LogLevel=ERROR",
    "-o",
    `ProxyCommand=${process.execPath} ${BRIDGE} ${wsURL}`,
  ];
}

/** Environment for ssh/scp: the bridge reads its request headers from it. */
export function bridgeEnv(info: RuntimeInfo, allowedKeys: string[], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const headers = {
    [AGENT_TOKEN_HEADER]: info.agentToken,
    [SSH_AUTHORIZED_KEYS_HEADER]: Buffer.from(allowedKeys.join("\n")).toString("base64"),
  };
  return { ...process.env, BF_BRIDGE_HEADERS: JSON.stringify(headers), ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  file: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${file} ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
