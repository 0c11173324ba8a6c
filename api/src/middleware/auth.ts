import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { ApiError } from "../../../sdk/errors";
import { type Action, can } from "../../../sdk/permissions";
import type { Role } from "../../../sdk/states";
import { EMAIL_PROVEN_SQL, isOperator } from "../auth/operator-proof";
import { assertTokenScope, parseTokenLimit, type TokenLimit } from "../auth/token-scope";
import { CSRF_COOKIE, hashToken, SESSION_COOKIE, TOKEN_PREFIX } from "../auth/tokens";
import type { AppBindings, AppEnv } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { now } from "../lib/time";

export interface AuthContext {
  userId: string;
  email: string;
  isOperator: boolean;
  /** The auth_sessions row behind the request; null for API tokens. */
  authSessionId: string | null;
  /** The api_tokens row behind the request; null for sign-ins. */
  apiTokenId: string | null;
  via: "cookie" | "bearer" | "api_token";
  workspaceId: string;
  role: Role;
  /** Set for a scoped API token (api/src/auth/token-scope.ts); null for every other credential. */
  tokenLimit?: TokenLimit | null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

interface Principal {
  userId: string;
  email: string;
  authSessionId: string | null;
  apiTokenId: string | null;
  via: AuthContext["via"];
  /** The workspace and role the request acts in (resolveMembership's choice, in the same query). */
  workspaceId: string;
  role: Role;
  emailProven: boolean;
  tokenLimit: TokenLimit | null;
}

/** Reads and log-ins touch these at most once a minute, so reads do not turn into writes. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The caller's membership, chosen as resolveMembership chooses it: the token's workspace, else the
 * user's current one, else personal first, then oldest. Joined into the token lookup so an
 * authenticated request costs one D1 query, not two. An API token bound to a workspace acts only
 * there: once its user leaves that workspace the token matches no row (401) instead of falling
 * back to another of the user's workspaces.
 */
const MEMBERSHIP_JOIN = `JOIN memberships m ON m.user_id = u.id
  JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL`;
const MEMBERSHIP_ORDER = (preferred: string) =>
  `ORDER BY (m.workspace_id = ${preferred}) DESC, (m.workspace_id = u.current_workspace_id) DESC, w.personal DESC, m.created_at ASC LIMIT 1`;

interface PrincipalRow {
  id: string;
  user_id: string;
  email: string;
  touched_at: number | null;
  member_workspace_id: string;
  role: Role;
  email_proven: number;
  session_id?: string | null;
  scopes?: string | null;
}

async function principalFromToken(env: AppBindings, token: string, via: AuthContext["via"]): Promise<Principal | null> {
  const tokenHash = await hashToken(token);
  const t = now();
  if (token.startsWith(TOKEN_PREFIX.api)) {
    const row = await env.DB.prepare(
      `SELECT t.id, t.user_id, u.email, t.last_used_at AS touched_at, m.workspace_id AS member_workspace_id, m.role, t.session_id, t.scopes,
              ${EMAIL_PROVEN_SQL} AS email_proven
       FROM api_tokens t JOIN users u ON u.id = t.user_id ${MEMBERSHIP_JOIN}
       WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.deleted_at IS NULL
         AND (t.workspace_id IS NULL OR m.workspace_id = t.workspace_id)
       ${MEMBERSHIP_ORDER("t.workspace_id")}`,
    )
      .bind(tokenHash, t)
      .first<PrincipalRow>();
    if (!row) return null;
    if (row.touched_at === null || t - row.touched_at > TOUCH_EVERY_MS) {
      await env.DB.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(t, row.id).run();
    }
    return {
      userId: row.user_id,
      email: row.email,
      authSessionId: null,
      apiTokenId: row.id,
      via: "api_token",
      workspaceId: row.member_workspace_id,
      role: row.role,
      emailProven: row.email_proven === 1,
      tokenLimit: parseTokenLimit(row.session_id ?? null, row.scopes ?? null),
    };
  }
  const row = await env.DB.prepare(
    `SELECT s.id, s.user_id, u.email, s.last_seen_at AS touched_at, m.workspace_id AS member_workspace_id, m.role,
            ${EMAIL_PROVEN_SQL} AS email_proven
     FROM auth_sessions s JOIN users u ON u.id = s.user_id ${MEMBERSHIP_JOIN}
     WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.deleted_at IS NULL
     ${MEMBERSHIP_ORDER("s.workspace_id")}`,
  )
    .bind(tokenHash, t)
    .first<PrincipalRow>();
  if (!row) return null;
  if (row.touched_at === null || t - row.touched_at > TOUCH_EVERY_MS) {
    await env.DB.prepare("UPDATE auth_sessions SET last_seen_at = ? WHERE id = ?").bind(t, row.id).run();
  }
  return {
    userId: row.user_id,
    email: row.email,
    authSessionId: row.id,
    apiTokenId: null,
    via,
    workspaceId: row.member_workspace_id,
    role: row.role,
    emailProven: row.email_proven === 1,
    tokenLimit: null,
  };
}

/** Finds the caller's workspace and role; falls back to the user's current, then any membership. */
export async function resolveMembership(
  env: AppBindings,
  userId: string,
  preferred: string | null,
): Promise<{ workspaceId: string; role: Role } | null> {
  const rows = await env.DB.prepare(
    `SELECT m.workspace_id, m.role, u.current_workspace_id FROM memberships m
     JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL
     JOIN users u ON u.id = m.user_id
     WHERE m.user_id = ? ORDER BY w.personal DESC, m.created_at ASC`,
  )
    .bind(userId)
    .all<{ workspace_id: string; role: Role; current_workspace_id: string | null }>();
  const list = rows.results;
  if (list.length === 0) return null;
  const pick =
    list.find((r) => r.workspace_id === preferred) ?? list.find((r) => r.workspace_id === list[0]?.current_workspace_id) ?? list[0];
  return pick ? { workspaceId: pick.workspace_id, role: pick.role } : null;
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
    authSessionId: principal.authSessionId,
    apiTokenId: principal.apiTokenId,
    via: principal.via,
    workspaceId: principal.workspaceId,
    role: principal.role,
    tokenLimit: principal.tokenLimit,
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
