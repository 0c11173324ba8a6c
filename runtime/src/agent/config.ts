import fs from "node:fs";
import path from "node:path";
import { PLATFORM_SESSION_ENV, partitionSessionEnv } from "@burstflare/sdk/reserved-env";
import { z } from "zod";

const persistedPaths = z.array(z.string().min(1).max(1024)).max(64);
const sessionEnvSchema = z.record(z.string(), z.string());

/** Everything the agent reads from its environment; the rest of process.env plus the session's variables is the user's env. */
export interface AgentConfig {
  port: number;
  host: string;
  token: string;
  runtimeId: string;
  workspace: string;
  /** Agent-private state (host key, temp files, agent sockets); never inside the workspace. */
  dataDir: string;
  persistedPaths: string[];
  previewPort: number | null;
  /** 32 bytes the SSH host key is derived from, when the data dir does not outlive the runtime. */
  sshHostKeySeed: Buffer | null;
  userEnv: Record<string, string>;
}

const AGENT_VARS = [
  "BURSTFLARE_AGENT_PORT",
  "BURSTFLARE_AGENT_TOKEN",
  "BURSTFLARE_WORKSPACE",
  "BURSTFLARE_RUNTIME_ID",
  "BURSTFLARE_PERSISTED_PATHS",
  "BURSTFLARE_PREVIEW_PORT",
  "BURSTFLARE_LISTEN_ALL",
  "BURSTFLARE_AGENT_DATA_DIR",
  "BURSTFLARE_EXIT_WITH_STDIN",
  "BURSTFLARE_SESSION_ENV_FILE",
  "BURSTFLARE_SESSION_ENV",
  "BURSTFLARE_SSH_HOST_KEY_SEED",
];

/**
 * The session's variables (secrets, manifest env, the control plane's session facts), handed
 * over as one opaque value so they never shape how the agent itself starts: a file from the
 * local host (read once, then deleted) or base64url JSON from the containers driver. They
 * apply only to the processes the agent starts for the user, and reserved names are dropped
 * here once more in case an older control plane let them through.
 */
function readSessionEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  let raw: string | null = null;
  const file = env.BURSTFLARE_SESSION_ENV_FILE;
  if (file) {
    raw = fs.readFileSync(file, "utf8");
    fs.rmSync(file, { force: true });
  } else if (env.BURSTFLARE_SESSION_ENV) {
    raw = Buffer.from(env.BURSTFLARE_SESSION_ENV, "base64url").toString("utf8");
  }
  if (raw === null) return {};
  return allowedSessionEnv(sessionEnvSchema.parse(JSON.parse(raw)));
}

/** Session-supplied variables without the reserved names (sdk/reserved-env.ts), which are logged by name only. */
export function allowedSessionEnv(env: Record<string, string>): Record<string, string> {
  const { env: allowed, dropped } = partitionSessionEnv(env, PLATFORM_SESSION_ENV);
  for (const { name, reason } of dropped) process.stderr.write(`agent: session variable ${JSON.stringify(name)} ignored: ${reason}\n`);
  return allowed;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const token = env.BURSTFLARE_AGENT_TOKEN;
  if (!token) throw new Error("BURSTFLARE_AGENT_TOKEN is required");
  const workspace = path.resolve(env.BURSTFLARE_WORKSPACE ?? "/workspace");
  const preview = Number(env.BURSTFLARE_PREVIEW_PORT);
  const userEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !AGENT_VARS.includes(k)) userEnv[k] = v;
  }
  Object.assign(userEnv, readSessionEnv(env));
  return {
    port: Number(env.BURSTFLARE_AGENT_PORT ?? 8080),
    host: env.BURSTFLARE_LISTEN_ALL === "1" ? "0.0.0.0" : "127.0.0.1",
    token,
    runtimeId: env.BURSTFLARE_RUNTIME_ID ?? "runtime",
    workspace,
    dataDir: path.resolve(env.BURSTFLARE_AGENT_DATA_DIR ?? path.join(path.dirname(workspace), ".burstflare-agent")),
    persistedPaths: persistedPaths.parse(JSON.parse(env.BURSTFLARE_PERSISTED_PATHS || "[]")),
    previewPort: Number.isInteger(preview) && preview > 0 ? preview : null,
    sshHostKeySeed: env.BURSTFLARE_SSH_HOST_KEY_SEED ? Buffer.from(env.BURSTFLARE_SSH_HOST_KEY_SEED, "base64url") : null,
    userEnv,
  };
}
