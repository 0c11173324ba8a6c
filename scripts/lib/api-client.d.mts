import type { ApiClient, Query, RouteKey } from "@burstflare/sdk/client";

export function checkRoute<K extends RouteKey>(route: K): K;

/** ApiClient whose route keys are also checked at run time (the .mjs callers are not type-checked). */
export class ScriptClient extends ApiClient {
  routeURL(route: RouteKey, opts?: { params?: Record<string, string | number>; query?: Query }): string;
}
