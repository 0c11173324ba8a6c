import { ApiError } from "@burstflare/sdk/errors";
import type { Context, MiddlewareHandler } from "hono";
import { rateLimitOverrides } from "../auth/config";
import type { AppBindings, AppEnv } from "../env";
import { log } from "../lib/log";

interface Limit {
  limit: number;
  windowSeconds: number;
}

/**
 * Default budgets per client IP (or per user for signed-in account changes).
 * Generous enough for a person and an e2e suite on one machine, tight enough to
 * stop guessing recovery codes or spraying sign-ups. Overridable with RATE_LIMITS.
 */
export const DEFAULT_LIMITS = {
  "auth.register": { limit: 60, windowSeconds: 60 },
  "auth.login": { limit: 120, windowSeconds: 60 },
  "auth.recover": { limit: 10, windowSeconds: 600 },
  /** Per target email, so guessing one account's codes from many addresses is slow too. */
  "auth.recover_email": { limit: 10, windowSeconds: 3600 },
  "auth.refresh": { limit: 60, windowSeconds: 60 },
  "auth.read": { limit: 1200, windowSeconds: 60 },
  "auth.account": { limit: 120, windowSeconds: 60 },
  "device.start": { limit: 30, windowSeconds: 60 },
  "device.exchange": { limit: 120, windowSeconds: 60 },
  "device.approve": { limit: 30, windowSeconds: 60 },
} as const satisfies Record<string, Limit>;

type Bucket = keyof typeof DEFAULT_LIMITS;

function limitFor(env: AppBindings, bucket: Bucket): Limit {
  const raw = rateLimitOverrides(env);
  if (raw) {
    try {
      const o = (JSON.parse(raw) as Record<string, Partial<Limit>>)[bucket];
      if (o && Number.isInteger(o.limit) && Number.isInteger(o.windowSeconds)) return o as Limit;
    } catch {
      log("warn", "RATE_LIMITS is not valid JSON; using defaults");
    }
  }
  return DEFAULT_LIMITS[bucket];
}

function clientKey(c: Context<AppEnv>): string {
  return addressKey(c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "local");
}

/**
 * The part of a client address that one client controls: an IPv4 address whole, an IPv6 address
 * cut to its /64. One IPv6 client is routinely given a whole /64 and picks any address in it, so
 * a per-address budget would be one per request.
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0");
  const prefix = [...left, ...zeros, ...right].slice(0, 4).map((group) => Number.parseInt(group || "0", 16).toString(16));
  return `${prefix.join(":")}::/64`;
}

/**
 * Fixed-window counter in KV. KV is not transactional, so concurrent requests may
 * slip a few over the limit; that is fine for abuse control.
 */
export async function hit(env: AppBindings, bucket: Bucket, subject: string): Promise<void> {
  const { limit, windowSeconds } = limitFor(env, bucket);
  const nowSec = Math.floor(Date.now() / 1000);
  const windowStart = nowSec - (nowSec % windowSeconds);
  const key = `rl:${bucket}:${subject}:${windowStart}`;
  const count = Number((await env.KV.get(key)) ?? 0);
  if (count >= limit) {
    const retryAfter = Math.max(1, windowStart + windowSeconds - nowSec);
    throw new ApiError("rate_limited", `too many requests; retry in ${retryAfter}s`, {
      headers: { "retry-after": String(retryAfter) },
    });
  }
  // KV's minimum TTL is 60 s.
  await env.KV.put(key, String(count + 1), { expirationTtl: Math.max(60, windowSeconds + 5) });
}

/** Limits by client IP, or by user when `byUser` and the request is authenticated. */
export function rateLimit(bucket: Bucket, opts: { byUser?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = opts.byUser ? c.get("auth") : undefined;
    await hit(c.env, bucket, auth ? `u:${auth.userId}` : `ip:${clientKey(c)}`);
    await next();
  };
}
