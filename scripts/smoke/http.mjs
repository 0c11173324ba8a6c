import { ApiError } from "@burstflare/sdk/errors.ts";
import { ScriptClient } from "../lib/api-client.mjs";

/**
 * The smoke test's HTTP client: sdk's ApiClient with a cookie jar, called by route key
 * (`call("GET /api/sessions/{sessionId}", { params })`), errors carry the server's code. Before it has a
 * token it works like the SPA (session cookie, CSRF double submit, Origin = the app).
 */
export class SmokeError extends Error {
  constructor(message, { status, code } = {}) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class SmokeClient {
  /**
   * @param {string} baseURL
   * @param {{ token?: string, timeoutMs?: number, schemas?: Record<string, import("zod").ZodType> }} [opts]
   * `schemas`: route key → answer schema; `call` checks each answer of a listed route against it.
   */
  constructor(baseURL, opts = {}) {
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.token = opts.token ?? null;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.schemas = opts.schemas ?? {};
    this.cookies = new Map();
    this.client = new ScriptClient({
      baseURL: this.baseURL,
      // Checked, then handed over as sent: a step may read what a schema does not name.
      checkOnly: true,
      headers: () => this.headers(),
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        this.keepCookies(res);
        return res;
      },
    });
  }

  get origin() {
    return new URL(this.baseURL).origin;
  }

  headers(extra = {}) {
    const h = { origin: this.origin, ...extra };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (this.cookies.size > 0) {
      h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const csrf = this.cookies.get("bf_csrf");
      if (csrf) h["x-csrf-token"] = csrf;
    }
    return h;
  }

  keepCookies(res) {
    for (const line of res.headers.getSetCookie?.() ?? []) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  /** A JSON request to a route key; a non-2xx answer throws SmokeError with the server's code and message. */
  async call(route, opts = {}) {
    try {
      const schema = opts.schema ?? this.schemas[route];
      return await this.client.call(route, { ...opts, schema, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      if (err instanceof ApiError) throw new SmokeError(`${route} → ${err.code}: ${err.message}`, err);
      if (err instanceof SyntaxError) throw new SmokeError(`${route} answered with something that is not JSON: ${err.message}`);
      throw err;
    }
  }

  /** A route's Response with any status as is (steps asserting a status, non-JSON bodies). */
  callRaw(route, { params, ...opts } = {}) {
    return this.client.callRaw(route, { params, ...this.rawOptions(opts) });
  }

  /** callRaw by method and path, for test/security/identity.test.ts (it walks a list of paths). */
  raw(method, path, opts = {}) {
    return this.client.raw(method, path, this.rawOptions(opts));
  }

  /** `body` objects go as JSON, bytes as they are; any status comes back as is. */
  rawOptions({ body, headers = {} }) {
    const extra = { ...headers };
    let payload;
    if (body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      extra["content-type"] = "application/json";
    }
    return { body: payload, headers: extra, signal: AbortSignal.timeout(this.timeoutMs), acceptErrors: true };
  }
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function until(fn, what, timeoutMs, intervalMs = 1000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new SmokeError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
