// The operator of a local test, e2e or bench stack, made as a deployer makes theirs: sign up with a
// passkey using the one-time bootstrap code the stack printed (it admits the account and proves the
// address in OPERATOR_EMAILS), then create an API token for the scripts. No SQL grants the rights.
import { ApiClient } from "@burstflare/sdk/client.ts";
import { SoftwareAuthenticator } from "./software-authenticator.mjs";

/**
 * @param {string} baseURL the stack's origin
 * @param {{ email: string, bootstrapCode: string }} opts email must be listed in the stack's OPERATOR_EMAILS
 * @returns {Promise<{ userId: string, email: string, workspaceId: string, token: string }>} token: an API token valid for a day
 */
export async function signUpStackOperator(baseURL, { email, bootstrapCode }) {
  const origin = new URL(baseURL).origin;
  const cookies = new Map();
  const client = new ApiClient({
    baseURL,
    // The browser's part: the Origin header, the session cookie and its CSRF double-submit.
    headers: () => {
      const h = { origin };
      if (cookies.size > 0) h.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      if (cookies.has("bf_csrf")) h["x-csrf-token"] = cookies.get("bf_csrf");
      return h;
    },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const eq = pair.indexOf("=");
        if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return res;
    },
  });
  const passkey = new SoftwareAuthenticator({ origin });
  /** @type {any} */
  const start = await client.call("POST /api/auth/passkeys/register/start", {
    body: { email, name: "Stack operator", inviteCode: bootstrapCode },
  });
  const credential = await passkey.create(start.options);
  // Plain Node runs this file (test-stack.mjs, bench), and sdk/schemas import without extensions:
  // the answers' types are named here instead of parsed.
  /** @type {{ user: { id: string }, workspace: { id: string } }} */
  const done = await client.call("POST /api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } });
  /** @type {{ isOperator: boolean }} */
  const me = await client.call("GET /api/auth/me");
  if (!me.isOperator) throw new Error(`${email} signed up with the bootstrap code but is not an operator (is it in OPERATOR_EMAILS?)`);
  /** @type {{ token: string }} */
  const created = await client.call("POST /api/auth/tokens", { body: { name: "stack operator", expiresInDays: 1 } });
  return { userId: done.user.id, email, workspaceId: done.workspace.id, token: created.token };
}
