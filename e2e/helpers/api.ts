import { ApiClient } from "@burstflare/sdk/client";
import type { APIRequestContext, Page } from "@playwright/test";

/** Statuses whose Response may carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** fetch over Playwright's request context: it shares the browser context's cookie jar. */
function fetchVia(request: APIRequestContext): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await request.fetch(String(input), {
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      data: (init?.body ?? undefined) as string | Buffer | undefined,
    });
    const body = NULL_BODY.has(res.status()) ? null : new Uint8Array(await res.body());
    return new Response(body, { status: res.status(), statusText: res.statusText(), headers: res.headers() });
  }) as typeof fetch;
}

/**
 * sdk's ApiClient for a signed-in page, calling the API as the SPA does (session cookie plus
 * the `x-csrf-token` double submit), so e2e fixtures name route keys like every other caller.
 */
export async function clientFor(page: Page): Promise<ApiClient> {
  const csrf = (await page.context().cookies()).find((c) => c.name === "bf_csrf")?.value;
  return new ApiClient({
    // Relative paths: Playwright resolves them against the config's baseURL.
    baseURL: "",
    headers: (method): Record<string, string> => (method === "GET" || method === "HEAD" || !csrf ? {} : { "x-csrf-token": csrf }),
    fetch: fetchVia(page.request),
  });
}

/**
 * sdk's ApiClient over a request context of its own (Playwright's `request` fixture: no browser
 * cookies), calling as the CLI does: no session, an optional bearer token.
 */
export function cliClientFor(request: APIRequestContext, token?: string): ApiClient {
  return new ApiClient({
    baseURL: "",
    headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
    fetch: fetchVia(request),
  });
}
