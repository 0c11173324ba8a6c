import { ApiError } from "@burstflare/sdk/errors";
import { type Action, can } from "@burstflare/sdk/permissions";
import type { Role } from "@burstflare/sdk/states";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { touchApiToken } from "../auth/api-tokens-repo";
import { isOperator } from "../auth/operator-proof";
import { findApiTokenPrincipal, findSignInPrincipal } from "../auth/principals-repo";
import { touchSignIn } from "../auth/sign-ins-repo";
import { assertTokenScope, parseTokenLimit, type TokenLimit } from "../auth/token-scope";
import { CSRF_COOKIE, hashToken, SESSION_COOKIE, TOKEN_PREFIX } from "../auth/tokens";
import type { AppBindings, AppEnv } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { listMembershipsForPick } from "../workspaces/members-repo";

export interface AuthContext {
  userId: string;
  email: string;
  isOperator: boolean;
  /** The sign_ins row behind the request; null for API tokens. */
  signInId: string | null;
  /** The api_tokens row behind the request; null for sign-ins. */
  apiTokenId: string | null;
  via: "cookie" | "bearer" | "api_token";
  workspaceId: string;
  role: Role;
  /** Set for a scoped API token (api/src/auth/token-scope.ts); null for every other credential. */
  tokenLimit?: TokenLimit | null;
  /** When the API token behind the request expires (epoch ms); null for a sign-in or a token without expiry. */
  credentialExpiresAt?: number | null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

interface Principal {
  userId: string;
  email: string;
  signInId: string | null;
  apiTokenId: string | null;
  via: AuthContext["via"];
  /** The workspace and role the request acts in (resolveMembership's choice, in the same query). */
  workspaceId: string;
  role: Role;
  emailProven: boolean;
  tokenLimit: TokenLimit | null;
  credentialExpiresAt: number | null;
}

/** Reads and log-ins touch these at most once a minute, so reads do not turn into writes. */
const TOUCH_EVERY_MS = 60_000;

async function principalFromToken(env: AppBindings, token: string, via: AuthContext["via"]): Promise<Principal | null> {
  const tokenHash = await hashToken(token);
  const t = now();
  const db = dbOf(env);
  const isApiToken = token.startsWith(TOKEN_PREFIX.api);
  const row = isApiToken ? await findApiTokenPrincipal(db, tokenHash, t) : await findSignInPrincipal(db, tokenHash, t);
  if (!row) return null;
  if (row.touchedAt === null || t - row.touchedAt > TOUCH_EVERY_MS) {
    if (isApiToken) await touchApiToken(db, row.id, t);
    else await touchSignIn(db, row.id, t);
  }
  return {
    userId: row.userId,
    email: row.email,
    signInId: isApiToken ? null : row.id,
    apiTokenId: isApiToken ? row.id : null,
    via: isApiToken ? "api_token" : via,
    workspaceId: row.workspaceId,
    role: row.role,
    emailProven: row.emailProven,
    tokenLimit: isApiToken ? parseTokenLimit(row.sessionId, row.scopes) : null,
    credentialExpiresAt: isApiToken ? row.expiresAt : null,
  };
}

/** Finds the caller's workspace and role; falls back to the user's current, then any membership. */
export async function resolveMembership(
  env: AppBindings,
  userId: string,
  preferred: string | null,
): Promise<{ workspaceId: string; role: Role } | null> {
  const list = await listMembershipsForPick(dbOf(env), userId);
  if (list.length === 0) return null;
  const pick = list.find((r) => r.workspaceId === preferred) ?? list.find((r) => r.workspaceId === list[0]?.currentWorkspaceId) ?? list[0];
  return pick ? { workspaceId: pick.workspaceId, role: pick.role } : null;
}

export async function authenticate(c: Context<AppEnv>): Promise<AuthContext | null> {
  const header = c.req.header("authorization");
  let principal: Principal | null = null;
  if (header?.toLowerCase().startsWith("bearer ")) {
    principal = await principalFromToken(c.env, header.slice(7).trim(), "bearer");
    if (!principal) return null;
  } else {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (!cookie) return null;
    principal = await principalFromToken(c.env, cookie, "cookie");
    if (!principal) return null;
  }
  // A scoped token answers 403 anywhere outside its scope, before any route runs, however it was
  // sent: a token planted as the sign-in cookie is held to its scope like a bearer header.
  assertTokenScope(principal.tokenLimit, c.req.method, new URL(c.req.url).pathname);
  return {
    userId: principal.userId,
    email: principal.email,
    isOperator: isOperator(c.env, principal.email, principal.emailProven),
    signInId: principal.signInId,
    apiTokenId: principal.apiTokenId,
    via: principal.via,
    workspaceId: principal.workspaceId,
    role: principal.role,
    tokenLimit: principal.tokenLimit,
    credentialExpiresAt: principal.credentialExpiresAt,
  };
}

/** Cookie-authenticated mutations must echo the CSRF cookie in `x-csrf-token`. */
export function checkCSRF(c: Context<AppEnv>, auth: AuthContext): void {
  if (auth.via !== "cookie" || SAFE_METHODS.has(c.req.method)) return;
  const cookie = getCookie(c, CSRF_COOKIE);
  const header = c.req.header("x-csrf-token");
  if (!cookie || !header || !timingSafeEqual(cookie, header)) {
    throw new ApiError("csrf_failed", "missing or wrong x-csrf-token header");
  }
}

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const auth = await authenticate(c);
  if (!auth) throw new ApiError("unauthorized", "sign in first");
  checkCSRF(c, auth);
  c.set("auth", auth);
  await next();
};

/** Role check against the permission table for the caller's current workspace. */
export function requirePermission(action: Action): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get("auth");
    if (!auth) throw new ApiError("unauthorized", "sign in first");
    if (!can(auth.role, action)) {
      throw new ApiError("forbidden", `your role (${auth.role}) cannot ${action}`);
    }
    await next();
  };
}

export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const auth = c.get("auth");
  if (!auth?.isOperator) throw new ApiError("forbidden", "operators only");
  await next();
};
