import path from "node:path";
import { z } from "zod";

const persistedPaths = z.array(z.string().min(1).max(1024)).max(64);

/** Everything the agent reads from its environment; the rest of process.env is the user's env. */
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
  "BURSTFLARE_SSH_HOST_KEY_SEED",
];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const token = env.BURSTFLARE_AGENT_TOKEN;
  if (!token) throw new Error("BURSTFLARE_AGENT_TOKEN is required");
  const workspace = path.resolve(env.BURSTFLARE_WORKSPACE ?? "/workspace");
  const preview = Number(env.BURSTFLARE_PREVIEW_PORT);
  const userEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !AGENT_VARS.includes(k)) userEnv[k] = v;
  }
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
