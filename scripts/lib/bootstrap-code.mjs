// The one-time operator bootstrap code: OPERATOR_EMAILS grants operator rights only to an account
// that proved its address, and on a fresh deployment nobody can issue an invite yet. The code is
// printed once to the person who started the stack or ran the deploy; only its hash is stored
// (api/src/auth/operator-proof.ts redeems it: POST /api/admin/bootstrap).
import { createHash, randomBytes } from "node:crypto";

export const BOOTSTRAP_TTL_MS = 24 * 3600 * 1000;

/** Same hashing as hashBootstrapCode in api/src/auth/operator-proof.ts. */
export const hashBootstrapCode = (code) => createHash("sha256").update(`bf-bootstrap:${code.trim()}`).digest("hex");

/** A fresh code and the SQL that makes it the only unused one (older printed codes stop working). */
export function newBootstrapCode(ttlMs = BOOTSTRAP_TTL_MS) {
  const code = `bfb_${randomBytes(24).toString("base64url")}`;
  const t = Date.now();
  const expiresAt = t + ttlMs;
  // fixture-sql: the root of trust, written by the deployer before any operator exists to call a route
  const sql =
    "DELETE FROM operator_bootstrap_codes WHERE used_at IS NULL; " +
    `INSERT INTO operator_bootstrap_codes (code_hash, created_at, expires_at) VALUES ('${hashBootstrapCode(code)}', ${t}, ${expiresAt});`;
  return { code, expiresAt, sql };
}

/** The lines `npm run dev` and the deploy script print, once. */
export function bootstrapBanner(code, expiresAt, baseURL) {
  const hours = Math.round((expiresAt - Date.now()) / 3600_000);
  return [
    `  Operator bootstrap code (single use, valid ${hours} h; printed only here):`,
    "",
    `    ${code}`,
    "",
    "  It makes an address listed in OPERATOR_EMAILS an operator. Sign up with that address at",
    `    ${baseURL}/signup?invite=<code>`,
    "  or, already signed in (flare auth login), redeem it:",
    `    BURSTFLARE_URL=${baseURL} npx flare admin bootstrap <code>`,
  ].join("\n");
}
