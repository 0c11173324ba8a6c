import { ApiClient } from "@burstflare/sdk/client.ts";

/**
 * The smoke test's HTTP client: sdk's ApiClient with a cookie jar, JSON in and out, errors carry
 * the server's code. Before it has a token it works like the SPA (session cookie, CSRF double
 * submit, Origin = the app).
 */
export class SmokeError extends Error {
  constructor(message, { status, code } = {}) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class SmokeClient {
  /** @param {string} baseURL @param {{ token?: string, timeoutMs?: number }} [opts] */
  constructor(baseURL, opts = {}) {
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.token = opts.token ?? null;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.cookies = new Map();
    this.client = new ApiClient({
      baseURL: this.baseURL,
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

  /** A raw request; `body` objects are sent as JSON. */
  async raw(method, path, { body, headers = {} } = {}) {
    const extra = { ...headers };
    let payload;
    if (body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      extra["content-type"] = "application/json";
    }
    // Any status comes back as is: `json` below words the failure with the step's path.
    return this.client.raw(method, path, {
      body: payload,
      headers: extra,
      signal: AbortSignal.timeout(this.timeoutMs),
      acceptErrors: true,
    });
  }

  /** JSON request; a non-2xx answer throws SmokeError with the server's error code and message. */
  async json(method, path, opts = {}) {
    const res = await this.raw(method, path, opts);
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below
    }
    if (!res.ok) {
      const err = data?.error;
      throw new SmokeError(`${method} ${path} → ${res.status} ${err?.code ?? ""} ${err?.message ?? text.slice(0, 200)}`.trim(), {
        status: res.status,
        code: err?.code,
      });
    }
    if (data === null && text) throw new SmokeError(`${method} ${path} → ${res.status} but not JSON: ${text.slice(0, 200)}`);
    return data;
  }

  get(path) {
    return this.json("GET", path);
  }
  post(path, body = {}) {
    return this.json("POST", path, { body });
  }
  delete(path) {
    return this.json("DELETE", path);
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
