import { randomToken, sha256Hex } from "../lib/crypto";

/** Prefixes make leaked tokens recognisable and tell the middleware which table to look in. */
export const TOKEN_PREFIX = { access: "bfa_", refresh: "bfr_", api: "bfp_", ssh: "bfs_" } as const;

export const SESSION_COOKIE = "bf_session";
export const CSRF_COOKIE = "bf_csrf";
export const BROWSER_SIGN_IN_TTL_MS = 30 * 24 * 3600 * 1000;
export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export const newSecret = (prefix = ""): string => prefix + randomToken(32);
export const hashToken = (token: string): Promise<string> => sha256Hex(`bf-token:${token}`);
