// What every bench scenario gets: the stack's URL, an authenticated bench user, session helpers
// and, when the bench started the stack itself, direct access to the runtime host for baselines.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { ApiError } from "@burstflare/sdk/errors.ts";
import { ScriptClient } from "../lib/api-client.mjs";
import { ROOT } from "../lib/processes.mjs";
import { agentOf } from "./sessions.mjs";
import { BenchTerminal } from "./terminal.mjs";

const exec = promisify(execFile);
const sql = (v) => `'${String(v).replace(/'/g, "''")}'`;

/** A bench user with a personal workspace, high quotas and a day-long CLI token, written to local D1. */
export async function createLocalBenchUser(persistTo) {
  return (await createLocalBenchUserInfo(persistTo)).token;
}

/** Runs SQL (a file) against the local stack's D1: bench fixtures only, never the measured path. */
export async function localSQLFile(persistTo, file) {
  await exec(path.join(ROOT, "node_modules/.bin/wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file], {
    cwd: ROOT,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
}

/** createLocalBenchUser with the ids: a scenario that needs its own workspace (session-list) uses this. */
export async function createLocalBenchUserInfo(persistTo) {
  const userId = `usr_${randomBytes(9).toString("base64url")}`;
  const workspaceId = `ws_${randomBytes(9).toString("base64url")}`;
  const token = `bfa_${randomBytes(32).toString("base64url")}`;
  const hash = createHash("sha256").update(`bf-token:${token}`).digest("hex");
  const t = Date.now();
  const statements = [
    `INSERT INTO users (id, email, name, current_workspace_id, created_at) VALUES (${sql(userId)}, ${sql(`${userId.toLowerCase()}@bench.local`)}, 'bench', ${sql(workspaceId)}, ${t})`,
    `INSERT INTO workspaces (id, name, owner_id, personal, created_at, updated_at) VALUES (${sql(workspaceId)}, 'bench', ${sql(userId)}, 1, ${t}, ${t})`,
    `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (${sql(workspaceId)}, ${sql(userId)}, 'owner', ${t})`,
    `INSERT INTO sign_ins (id, user_id, kind, token_hash, workspace_id, created_at, last_seen_at, expires_at) VALUES (${sql(`as_${userId}`)}, ${sql(userId)}, 'cli', ${sql(hash)}, ${sql(workspaceId)}, ${t}, ${t}, ${t + 24 * 3600 * 1000})`,
    ...["runningSessions", "totalSessions"].map(
      (l) =>
        // Room for api-load's 1,000 seeded rows plus every scenario's own sessions.
        `INSERT INTO quota_overrides (workspace_id, limit_name, value, set_by, created_at) VALUES (${sql(workspaceId)}, ${sql(l)}, 100000, 'bench', ${t})`,
    ),
  ];
  await exec(
    path.join(ROOT, "node_modules/.bin/wrangler"),
    ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", statements.join("; ")],
    { cwd: ROOT, env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  return { token, userId, workspaceId };
}

export function createContext({
  baseURL,
  token,
  runs,
  host,
  persistTo = null,
  webBuilt = false,
  workerBundleDir = null,
  profileDir = null,
  wranglerGroup = null,
}) {
  const headers = { authorization: `Bearer ${token}` };
  let counter = 0;

  // The sdk client every caller of the API shares, by route key (checked at run time). Load
  // generators that send requests themselves (autocannon in api-load) take URLs from routeURL.
  const client = new ScriptClient({ baseURL, headers: () => headers });

  /** `call("GET /api/sessions/{id}", { params, body })`; an error names the route and the server's code. */
  async function call(route, opts) {
    try {
      return await client.call(route, opts);
    } catch (err) {
      if (err instanceof ApiError) throw new Error(`${route} → ${err.status}: ${err.code}: ${err.message}`);
      throw err;
    }
  }

  return {
    baseURL,
    headers,
    runs,
    /** null against --base-url: no direct baselines. */
    host,
    /** The local stack's D1 state folder (seeding bulk rows); null against --base-url. */
    persistTo,
    /** True when this run already built dist/web from the tree (bundle-size reuses it). */
    webBuilt,
    /** The Worker bundle the local stack serves (wrangler's dry-run output); null against --base-url. */
    workerBundleDir,
    /** Set by --profile: where CPU profiles go (bench/profiles/<time>/). */
    profileDir,
    /** wrangler dev's process group, for workerd's CPU time; null against --base-url. */
    wranglerGroup,
    call,
    client,
    async createSession(extra = {}) {
      const name = `bench-${process.pid}-${Date.now().toString(36)}-${counter++}`;
      return (await client.call("POST /api/sessions", { body: { name, ...extra } })).session;
    },
    async deleteSession(id) {
      await client.call("DELETE /api/sessions/{id}", { params: { id } });
    },
    /** The terminal through the Worker and the session DO. */
    proxiedTerminal(sessionId, terminal = "main") {
      return BenchTerminal.open(`${baseURL.replace(/^http/, "ws")}/runtime/sessions/${sessionId}/terminal?terminal=${terminal}`, headers);
    },
    /** The same agent's terminal, straight to its loopback port (local driver only). */
    async directTerminal(sessionId, terminal = "direct") {
      const agent = await agentOf(host, sessionId);
      return BenchTerminal.open(agent.url(`terminal?terminal=${terminal}`, { ws: true }).toString(), { "x-agent-token": agent.token });
    },
  };
}
