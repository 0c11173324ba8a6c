// What every bench scenario gets: the stack's URL, an authenticated bench user, session helpers
// and, when the bench started the stack itself, direct access to the runtime host for baselines.
import { ApiClient } from "@burstflare/sdk/client.ts";
import { ApiError } from "@burstflare/sdk/errors.ts";
import { signUpStackOperator } from "../lib/stack-operator.mjs";
import { BenchTerminal } from "./terminal.mjs";

/** The bench stack's operator address (scripts/bench.mjs lists it in OPERATOR_EMAILS). */
export const BENCH_OPERATOR_EMAIL = "operator@example.com";

/**
 * The bench stack's operator: signs up with the stack's bootstrap code (scripts/lib/stack-operator.mjs)
 * and returns a client for the seeding routes. Bench fixtures go through them, never the measured path.
 */
export async function benchOperator(baseURL, bootstrapCode) {
  const { token } = await signUpStackOperator(baseURL, { email: BENCH_OPERATOR_EMAIL, bootstrapCode });
  return new ApiClient({ baseURL, headers: () => ({ authorization: `Bearer ${token}` }) });
}

/**
 * A bench user with a personal workspace, high quotas and a day-long CLI token (and a browser
 * sign-in cookie when asked), seeded by the operator: POST /api/admin/seed/users, then the
 * operator's quota overrides.
 */
export async function createLocalBenchUserInfo(operator, { browser = false } = {}) {
  // Plain Node runs the bench, and sdk/schemas import without extensions: the answer's type is named, not parsed.
  /** @type {import("@burstflare/sdk/schemas/seed").SeededUser} */
  const user = await operator.call("POST /api/admin/seed/users", { body: { signIns: browser ? ["cli", "browser"] : ["cli"] } });
  await operator.call("PUT /api/admin/workspaces/{id}/quota-overrides", {
    params: { id: user.workspaceId },
    // Room for api-load's 1,000 seeded rows plus every scenario's own sessions.
    body: { overrides: { runningSessions: 100_000, totalSessions: 100_000 } },
  });
  const token = user.signIns.find((s) => s.kind === "cli")?.token;
  const cookie = user.signIns.find((s) => s.kind === "browser")?.token ?? null;
  return { token, cookie, userId: user.userId, workspaceId: user.workspaceId };
}

/** createLocalBenchUserInfo's token: the user every scenario shares. */
export async function createLocalBenchUser(operator) {
  return (await createLocalBenchUserInfo(operator)).token;
}

/** Session rows with no runtime behind them (POST /api/admin/seed/sessions): list and load benchmarks. */
export async function seedSessionRows(operator, body) {
  /** @type {{ created: number }} */
  const { created } = await operator.call("POST /api/admin/seed/sessions", { body });
  if (created !== body.count) throw new Error(`seeded ${created} of ${body.count} sessions`);
}

export function createContext({
  baseURL,
  token,
  runs,
  host,
  persistTo = null,
  operator = null,
  webBuilt = false,
  workerBundleDir = null,
  profileDir = null,
  wranglerGroup = null,
}) {
  const headers = { authorization: `Bearer ${token}` };
  let counter = 0;

  // The sdk client every caller of the API shares; bench fixtures go through it, measured paths
  // that time one request (api-load) still call fetch themselves.
  const client = new ApiClient({ baseURL, headers: () => headers });

  async function api(method, urlPath, body) {
    try {
      return await client.request(method, urlPath, { body });
    } catch (err) {
      if (err instanceof ApiError) throw new Error(`${method} ${urlPath} → ${err.status}: ${err.code}: ${err.message}`);
      throw err;
    }
  }

  return {
    baseURL,
    headers,
    runs,
    /** null against --base-url: no direct baselines. */
    host,
    /** The local stack's D1 state folder; null against --base-url. */
    persistTo,
    /** The local stack's operator client (seeding routes: bulk rows, more users); null against --base-url. */
    operator,
    /** True when this run already built dist/web from the tree (bundle-size reuses it). */
    webBuilt,
    /** The Worker bundle the local stack serves (wrangler's dry-run output); null against --base-url. */
    workerBundleDir,
    /** Set by --profile: where CPU profiles go (bench/profiles/<time>/). */
    profileDir,
    /** wrangler dev's process group, for workerd's CPU time; null against --base-url. */
    wranglerGroup,
    api,
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
      if (!host) throw new Error("no runtime host access for a direct baseline");
      const res = await fetch(`${host.url}/runtimes/${sessionId}`, { headers: { "x-runtime-secret": host.secret } });
      if (!res.ok) throw new Error(`runtime host: ${res.status}`);
      const info = await res.json();
      const url = new URL(`terminal?terminal=${terminal}`, info.agentURL.endsWith("/") ? info.agentURL : `${info.agentURL}/`);
      url.protocol = url.protocol.replace("http", "ws");
      return BenchTerminal.open(url.toString(), { "x-agent-token": info.agentToken });
    },
  };
}
