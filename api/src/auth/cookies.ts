import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import { randomToken } from "../lib/crypto";
import { authConfig } from "./config";
import { issueSignIn } from "./sign-ins";
import { BROWSER_SIGN_IN_TTL_MS, CSRF_COOKIE, SESSION_COOKIE } from "./tokens";

function cookieOptions(c: Context<AppEnv>) {
  return {
    path: "/",
    secure: authConfig(c.env).secureCookies,
    sameSite: "Lax" as const,
    maxAge: Math.floor(BROWSER_SIGN_IN_TTL_MS / 1000),
  };
}

const clientIP = (c: Context<AppEnv>): string | null => c.req.header("cf-connecting-ip") ?? null;

/** The CSRF cookie is readable by the SPA, which echoes it in `x-csrf-token` (double submit). */
export function setCSRFCookie(c: Context<AppEnv>): void {
  setCookie(c, CSRF_COOKIE, randomToken(24), { ...cookieOptions(c), httpOnly: false });
}

/** Starts a browser sign-in: a fresh sign_ins row, the HttpOnly session cookie and a new CSRF token. */
export async function startBrowserSignIn(c: Context<AppEnv>, userId: string, workspaceId: string | null): Promise<string> {
  const signIn = await issueSignIn(c.env, {
    userId,
    kind: "browser",
    workspaceId,
    userAgent: c.req.header("user-agent")?.slice(0, 400) ?? null,
    ip: clientIP(c),
  });
  setCookie(c, SESSION_COOKIE, signIn.token, { ...cookieOptions(c), httpOnly: true });
  setCSRFCookie(c);
  return signIn.id;
}

export function clearBrowserCookies(c: Context<AppEnv>): void {
  const { path, secure } = cookieOptions(c);
  deleteCookie(c, SESSION_COOKIE, { path, secure });
  deleteCookie(c, CSRF_COOKIE, { path, secure });
}
