// What the CLI scenarios (cli-start, ssh-throughput) share: the flare CLI signed in as the bench
// user in a throwaway HOME, and the direct-to-agent SSH baseline (no Worker, no session DO).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bareSSHArgs } from "../lib/bare-ssh.mjs";
import { ROOT } from "../lib/processes.mjs";
import { agentOf } from "./sessions.mjs";

export const FLARE_BIN = path.join(ROOT, "cli/bin/flare.mjs");
const BRIDGE = path.join(ROOT, "scripts/bench/direct-ssh-bridge.mjs");

/**
 * A fresh HOME whose flare credentials hold the bench user's token for ctx.baseURL, as `flare
 * login` would leave them; `env` runs flare (and ssh) against it.
 */
export function flareHome(ctx, prefix) {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  const configDir = path.join(home, "flare-config");
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const token = ctx.headers.authorization.slice("Bearer ".length);
  const servers = { [ctx.baseURL]: { accessToken: token, refreshToken: null, accessExpiresAt: Date.now() + 24 * 3600 * 1000 } };
  writeFileSync(path.join(configDir, "credentials.json"), JSON.stringify({ version: 1, servers }), { mode: 0o600 });
  return { home, configDir, env: { ...process.env, HOME: home, BURSTFLARE_CONFIG_DIR: configDir, BURSTFLARE_URL: ctx.baseURL } };
}

/**
 * OpenSSH argv to the session's agent through a plain ws bridge to its loopback port (local
 * driver only), with flare's managed key `keyFile`; `command` is the remote command ("" to append
 * one later). Its gap to the tunnel is what the Worker and the session DO cost.
 */
export async function directSSHArgs(ctx, sessionId, keyFile, command) {
  const agent = await agentOf(ctx.host, sessionId);
  const keys = Buffer.from(readFileSync(`${keyFile}.pub`, "utf8").trim()).toString("base64url");
  const { sshUser } = await ctx.call("POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId } });
  const proxy = `${process.execPath} ${BRIDGE} ${agent.url("ssh", { ws: true })} ${agent.token} ${keys} ${sshUser}`;
  return bareSSHArgs({ proxy, identity: keyFile, destination: `${sshUser}@direct`, command });
}
