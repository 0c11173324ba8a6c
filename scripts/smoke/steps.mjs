import { tsImport } from "tsx/esm/api";
import { SoftwareAuthenticator } from "../lib/software-authenticator.mjs";
import { SMOKE_MARKER, smokeBundle } from "./bundle.mjs";
import { SmokeClient, SmokeError, until } from "./http.mjs";
import { terminalRoundTrip } from "./terminal.mjs";

/**
 * The smoke journey, one function per step. Each step reads and writes `state` and throws on
 * failure; a step returns a short note for the report, or `{ skip: reason }`.
 */
const BUILD_TIMEOUT_MS = 5 * 60_000;
const SESSION_TIMEOUT_MS = 3 * 60_000;
const BUILT_MARKER = "built-by-smoke";

// Through tsx (a devDependency the local stack already runs the runtime host with): sdk/schemas
// imports its neighbours without extensions, which Node's own type stripping cannot resolve.
const { SMOKE_SCHEMAS } = await tsImport("./schemas.ts", import.meta.url);

const suffix = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** @typedef {{ baseURL: string, token?: string, operatorEmail?: string, operatorToken?: string, inviteCode?: string, bootstrapCode?: string, email?: string }} SmokeOptions */

export function createState(/** @type {SmokeOptions} */ opts) {
  const id = suffix();
  return {
    opts,
    id,
    client: new SmokeClient(opts.baseURL, { timeoutMs: SESSION_TIMEOUT_MS, schemas: SMOKE_SCHEMAS }),
    operator: null,
    created: {},
  };
}

async function health(s) {
  const h = await s.client.call("GET /api/health");
  if (!h.ok) throw new SmokeError(`health says not ok: ${JSON.stringify(h)}`);
  s.health = h;
  return `version ${h.version}, runtime driver ${h.runtimeDriver ?? "?"}`;
}

async function signUp(s) {
  if (s.opts.token) {
    s.client.token = s.opts.token;
    const me = await s.client.call("GET /api/auth/me");
    s.email = me.email ?? me.user?.email;
    return { skip: `using BURSTFLARE_TOKEN (${s.email ?? "signed in"})` };
  }
  if (s.health?.turnstileEnabled) {
    throw new SmokeError("Turnstile is on for this deployment: a script cannot pass it; set BURSTFLARE_TOKEN (an API token) instead");
  }
  s.email = s.opts.operatorEmail ?? s.opts.email ?? `smoke-${s.id}@example.com`;
  s.passkey = new SoftwareAuthenticator({ origin: s.client.origin });
  const start = await s.client.call("POST /api/auth/passkeys/register/start", {
    body: { email: s.email, name: "Smoke test", ...(s.opts.inviteCode ? { inviteCode: s.opts.inviteCode } : {}) },
  });
  const credential = await s.passkey.create(start.options);
  const done = await s.client.call("POST /api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } });
  if (!s.client.cookies.get("bf_session")) throw new SmokeError("sign-up set no session cookie");
  s.workspaceId = done.workspace?.id;
  // A listed address is an operator only once proven: the bootstrap code the deployer was shown.
  if (s.opts.operatorEmail && s.opts.bootstrapCode) {
    const proof = await s.client.call("POST /api/admin/bootstrap", { body: { code: s.opts.bootstrapCode } });
    if (!proof.isOperator) throw new SmokeError(`bootstrap code accepted but ${s.email} is not in OPERATOR_EMAILS`);
  }
  return `${s.email}, workspace ${s.workspaceId}`;
}

async function signIn(s) {
  if (!s.passkey) return { skip: "no passkey (token mode)" };
  s.client.cookies.clear();
  const start = await s.client.call("POST /api/auth/passkeys/login/start", { body: { email: s.email } });
  const credential = await s.passkey.get(start.options);
  await s.client.call("POST /api/auth/passkeys/login/finish", { body: { challengeId: start.challengeId, credential } });
  const me = await s.client.call("GET /api/auth/me");
  if ((me.email ?? me.user?.email) !== s.email) throw new SmokeError(`signed in as ${JSON.stringify(me)}, expected ${s.email}`);
  // From here on a short-lived API token, like automation would use (and WebSockets need no cookies).
  const created = await s.client.call("POST /api/auth/tokens", { body: { name: `smoke-${s.id}`, expiresInDays: 1 } });
  s.created.apiTokenId = created.apiToken.id;
  s.client.cookies.clear();
  s.client.token = created.token;
  if (s.opts.operatorEmail) s.operator = s.client;
  return "passkey assertion verified; API token issued";
}

async function createTemplate(s) {
  const t = await s.client.call("POST /api/templates", {
    body: { name: `smoke-${s.id}`, description: "created by scripts/smoke.mjs" },
  });
  s.created.templateId = t.id;
  const v = await s.client.call("POST /api/templates/{templateId}/versions", {
    params: { templateId: t.id },
    body: { version: "1", manifest: { persistedPaths: ["."], build: `echo ${BUILT_MARKER} > built.txt`, idleTimeoutSeconds: 900 } },
  });
  s.versionId = v.version.id;
  const bundle = await smokeBundle();
  // By the grant's id, not its URL: the URL names the server's own origin, which a proxy may hide.
  const res = await s.client.callRaw("PUT /api/uploads/{grantId}", {
    params: { grantId: v.uploadGrant.id },
    body: bundle,
    headers: { "content-type": "application/gzip", "content-length": String(bundle.length) },
  });
  if (!res.ok) throw new SmokeError(`bundle upload → ${res.status}: ${(await res.text()).slice(0, 200)}`);
  s.buildId = SMOKE_SCHEMAS["PUT /api/uploads/{grantId}"].parse(await res.json()).build.id;
  return `template ${t.id}, version ${s.versionId}, bundle ${bundle.length} bytes, build ${s.buildId}`;
}

async function waitForBuild(s) {
  const build = await until(
    async () => {
      const b = await s.client.call("GET /api/template-builds/{buildId}", { params: { buildId: s.buildId } });
      if (b.status === "failed" || b.status === "dead_lettered") {
        const log = await (await s.client.callRaw("GET /api/template-builds/{buildId}/log", { params: { buildId: s.buildId } }))
          .text()
          .catch(() => "");
        throw new SmokeError(`build ${b.status}: ${b.error ?? "no error"}; log tail: ${log.slice(-400)}`);
      }
      return b.status === "succeeded" ? b : null;
    },
    `build ${s.buildId}`,
    BUILD_TIMEOUT_MS,
  );
  return `succeeded after ${build.attempts} attempt(s), artifact ${build.artifactBytes ?? "?"} bytes`;
}

async function promote(s) {
  const { template: t } = await s.client.call("POST /api/templates/{templateId}/promote", {
    params: { templateId: s.created.templateId },
    body: { versionId: s.versionId },
  });
  if (t.activeVersionId !== s.versionId) throw new SmokeError(`active version is ${t.activeVersionId}, expected ${s.versionId}`);
  return `active version ${t.activeVersion}`;
}

async function startSession(s) {
  const created = await s.client.call("POST /api/sessions", { body: { name: `smoke-${s.id}`, templateId: s.created.templateId } });
  s.created.sessionId = created.session.id;
  const session = await until(
    async () => {
      const { session } = await s.client.call("GET /api/sessions/{sessionId}", { params: { sessionId: s.created.sessionId } });
      if (session.state === "failed") throw new SmokeError(`session failed: ${session.failureReason}`);
      return session.state === "running" ? session : null;
    },
    "the session to run",
    SESSION_TIMEOUT_MS,
  );
  return `${session.id} running (${session.runtimeStatus})`;
}

async function terminal(s) {
  const expect = `${SMOKE_MARKER}-${BUILT_MARKER}-42`;
  await terminalRoundTrip(s.client, s.created.sessionId, 'echo "$(cat smoke.txt)-$(cat built.txt)-$((6*7))"', expect);
  return `echoed ${expect} (bundle file + build output + shell arithmetic)`;
}

async function snapshot(s) {
  const params = { sessionId: s.created.sessionId };
  const snap = await s.client.call("POST /api/sessions/{sessionId}/snapshots", { params, body: { label: "smoke" } });
  const { snapshots } = await s.client.call("GET /api/sessions/{sessionId}/snapshots", { params });
  const listed = snapshots.find((x) => x.id === snap.id);
  if (listed?.status !== "ready") throw new SmokeError(`snapshot ${snap.id} not listed as ready: ${JSON.stringify(listed)}`);
  return `${snap.id} ready, ${listed.bytes} bytes, ${snapshots.length} listed`;
}

async function stopAndDelete(s) {
  const params = { sessionId: s.created.sessionId };
  const stopped = await s.client.call("POST /api/sessions/{sessionId}/stop", { params, body: {} });
  if (stopped.session.state !== "stopped") throw new SmokeError(`stop left the session ${stopped.session.state}`);
  const deleted = await s.client.call("DELETE /api/sessions/{sessionId}", { params });
  if (deleted.session.state !== "deleted") throw new SmokeError(`delete left the session ${deleted.session.state}`);
  s.created.sessionId = null;
  const gone = await s.client.callRaw("GET /api/sessions/{sessionId}", { params });
  if (gone.status !== 404) throw new SmokeError(`deleted session still answers ${gone.status}`);
  await s.client.call("DELETE /api/templates/{templateId}", { params: { templateId: s.created.templateId } });
  s.created.templateId = null;
  return "session stopped, deleted (404 after); template deleted";
}

async function adminReport(s) {
  let operator = s.operator;
  if (!operator && s.opts.operatorToken)
    operator = new SmokeClient(s.opts.baseURL, { token: s.opts.operatorToken, schemas: SMOKE_SCHEMAS });
  if (!operator) return { skip: "no operator credentials (--operator-email or BURSTFLARE_OPERATOR_TOKEN)" };
  const r = await operator.call("GET /api/admin/report");
  for (const k of ["buildsDeadLettered", "buildsStuck", "sessionsSleeping", "sessionsRunning", "activeUploadGrants"]) {
    if (typeof r[k] !== "number") throw new SmokeError(`report field ${k} is ${JSON.stringify(r[k])}`);
  }
  if (r.totals.users < 1) throw new SmokeError("report counts no users");
  return `deadLettered ${r.buildsDeadLettered}, stuck ${r.buildsStuck}, running ${r.sessionsRunning}, sleeping ${r.sessionsSleeping}, grants ${r.activeUploadGrants}, users ${r.totals.users}`;
}

export const STEPS = [
  ["health", health],
  ["sign up with a software passkey", signUp],
  ["sign in with the passkey", signIn],
  ["create template version and upload bundle", createTemplate],
  ["wait for the build", waitForBuild],
  ["promote the version", promote],
  ["start a session", startSession],
  ["terminal command over WebSocket", terminal],
  ["take and list a snapshot", snapshot],
  ["stop and delete", stopAndDelete],
  ["admin report", adminReport],
];

/** Best effort after a failure: nothing the smoke made is left running. */
export async function cleanup(s) {
  const c = s.client;
  if (s.created.sessionId) await c.call("DELETE /api/sessions/{sessionId}", { params: { sessionId: s.created.sessionId } }).catch(() => {});
  if (s.created.templateId)
    await c.call("DELETE /api/templates/{templateId}", { params: { templateId: s.created.templateId } }).catch(() => {});
  if (s.created.apiTokenId && c.token) {
    await c.call("DELETE /api/auth/tokens/{tokenId}", { params: { tokenId: s.created.apiTokenId } }).catch(() => {});
  }
}
