import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { SoftwareAuthenticator } from "../../../scripts/lib/software-authenticator.mjs";
import { call } from "./users";

/** A tiny cookie jar so tests can act like the SPA: cookies in, CSRF header echoed on mutations. */
export class BrowserClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly ip = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) {}

  absorb(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get csrf(): string | undefined {
    return this.cookies.get("bf_csrf");
  }

  /** Like the SPA's api client: cookies always, x-csrf-token on non-GET unless `csrf: false`. */
  async call(
    method: string,
    path: string,
    opts: { body?: unknown; csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { "cf-connecting-ip": this.ip, ...(opts.headers ?? {}) };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (method !== "GET" && opts.csrf !== false && this.csrf) headers["x-csrf-token"] = this.csrf;
    const res = await call(method, path, { body: opts.body, headers });
    this.absorb(res);
    return res;
  }
}

export interface SignedUp {
  browser: BrowserClient;
  authenticator: SoftwareAuthenticator;
  user: { id: string; email: string; name: string | null };
  workspace: { id: string; name: string; personal: boolean; role: string };
  recoveryCodes: string[];
}

let counter = 0;
export const uniqueEmail = (tag = "user") => `${tag}-${Date.now().toString(36)}-${++counter}@example.com`;

/** Registers a new account through the real passkey ceremony and returns a signed-in browser. */
export async function signUpWithPasskey(
  opts: { email?: string; name?: string; inviteCode?: string; browser?: BrowserClient; authenticator?: SoftwareAuthenticator } = {},
): Promise<SignedUp> {
  const browser = opts.browser ?? new BrowserClient();
  const authenticator = opts.authenticator ?? new SoftwareAuthenticator({ origin: env.APP_ORIGIN });
  const start = await browser.call("POST", "/api/auth/passkeys/register/start", {
    body: { email: opts.email ?? uniqueEmail(), name: opts.name, inviteCode: opts.inviteCode },
  });
  expect(start.status, await start.clone().text()).toBe(200);
  const { challengeId, options } = (await start.json()) as { challengeId: string; options: Record<string, unknown> };
  const credential = await authenticator.create(options);
  const finish = await browser.call("POST", "/api/auth/passkeys/register/finish", { body: { challengeId, credential } });
  expect(finish.status, await finish.clone().text()).toBe(200);
  const body = (await finish.json()) as Omit<SignedUp, "browser" | "authenticator">;
  return { browser, authenticator, ...body };
}

/** Signs in with a discoverable passkey from `authenticator`; returns the finish response. */
export async function signInWithPasskey(browser: BrowserClient, authenticator: SoftwareAuthenticator, email?: string): Promise<Response> {
  const start = await browser.call("POST", "/api/auth/passkeys/login/start", { body: email ? { email } : {} });
  expect(start.status).toBe(200);
  const { challengeId, options } = (await start.json()) as { challengeId: string; options: Record<string, unknown> };
  const credential = await authenticator.get(options);
  return browser.call("POST", "/api/auth/passkeys/login/finish", { body: { challengeId, credential } });
}
