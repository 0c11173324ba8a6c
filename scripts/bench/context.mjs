// What every bench scenario gets: the stack's URL, an authenticated bench user, session helpers
// and, when the bench started the stack itself, direct access to the runtime host for baselines.
import { ApiError } from "@burstflare/sdk/errors.ts";
import { ScriptClient } from "../lib/api-client.mjs";
import { signUpStackOperator } from "../lib/stack-operator.mjs";
import { agentOf } from "./sessions.mjs";
import { BenchTerminal } from "./terminal.mjs";

/** The bench stack's operator address (scripts/bench.mjs lists it in OPERATOR_EMAILS). */
export const BENCH_OPERATOR_EMAIL = "operator@example.com";

/**
 * The bench stack's operator: signs up with the stack's bootstrap code (scripts/lib/stack-operator.mjs)
 * and returns a client for the seeding routes. Bench fixtures go through them, never the measured path.
 */
export async function benchOperator(baseURL, bootstrapCode) {
  const { token } = await signUpStackOperator(baseURL, { email: BENCH_OPERATOR_EMAIL, bootstrapCode });
  return new ScriptClient({ baseURL, headers: () => ({ authorization: `Bearer ${token}` }) });
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
  await operator.call("PUT /api/admin/workspaces/{workspaceId}/quota-overrides", {
    params: { workspaceId: user.workspaceId },
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

  // The sdk client every caller of the API shares, by route key (checked at run time). Load
  // generators that send requests themselves (autocannon in api-load) take URLs from routeURL.
  const client = new ScriptClient({ baseURL, headers: () => headers });

  /** `call("GET /api/sessions/{sessionId}", { params, body })`; an error names the route and the server's code. */
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
    call,
    client,
    async createSession(extra = {}) {
      const name = `bench-${process.pid}-${Date.now().toString(36)}-${counter++}`;
      return (await client.call("POST /api/sessions", { body: { name, ...extra } })).session;
    },
    async deleteSession(id) {
      await client.call("DELETE /api/sessions/{sessionId}", { params: { sessionId: id } });
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
