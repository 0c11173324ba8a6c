import { SIGNUP_POLICIES, type SignupPolicy } from "@burstflare/sdk/schemas/auth";
import type { AppBindings } from "../env";

/** Optional vars that are not in wrangler.toml; read through one typed door. */
interface OptionalAuthVars {
  TURNSTILE_SITE_KEY?: string;
  /** JSON: `{ "auth.login": { "limit": 5, "windowSeconds": 60 } }` overrides the defaults in middleware/rate-limit.ts. */
  RATE_LIMITS?: string;
}

interface AuthConfig {
  origin: string;
  rpID: string;
  rpName: string;
  signupPolicy: SignupPolicy;
  turnstileSecret: string | null;
  turnstileSiteKey: string | null;
  turnstileVerifyURL: string;
  /** Cookies are Secure everywhere except plain-http localhost development. */
  secureCookies: boolean;
}

const DEFAULT_ORIGIN = "http://localhost:8787";

export function authConfig(env: AppBindings): AuthConfig {
  const vars = env as AppBindings & OptionalAuthVars;
  const origin = (env.APP_ORIGIN || DEFAULT_ORIGIN).replace(/\/+$/, "");
  const rpID = env.WEBAUTHN_RP_ID || new URL(origin).hostname;
  const policy = SIGNUP_POLICIES.find((p) => p === env.SIGNUP_POLICY) ?? "invite-only";
  return {
    origin,
    rpID,
    rpName: env.WEBAUTHN_RP_NAME || "BurstFlare",
    signupPolicy: policy,
    turnstileSecret: env.TURNSTILE_SECRET_KEY || null,
    turnstileSiteKey: vars.TURNSTILE_SITE_KEY || null,
    turnstileVerifyURL: env.TURNSTILE_VERIFY_URL || "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    secureCookies: !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin),
  };
}

export function rateLimitOverrides(env: AppBindings): string | undefined {
  return (env as AppBindings & OptionalAuthVars).RATE_LIMITS;
}
