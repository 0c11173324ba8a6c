// The sdk's ApiClient for the .mjs scripts (smoke, bench). Node loads sdk/client.ts and
// sdk/api-routes.ts itself (type stripping: neither has a runtime import without its extension),
// so there is no build step. The scripts are not type-checked, so a route key is checked here, at
// run time, against the OpenAPI table instead: a typo or a removed route throws before any request.
import { API_ROUTES } from "@burstflare/sdk/api-routes.ts";
import { ApiClient, routePath } from "@burstflare/sdk/client.ts";

/** Throws unless `route` is a key of sdk/api-routes.ts (`"GET /api/sessions/{sessionId}"`). */
export function checkRoute(route) {
  if (!Object.hasOwn(API_ROUTES, route)) {
    throw new Error(`unknown API route "${route}": not in sdk/api-routes.ts (regenerate it with npm run api:routes)`);
  }
  return route;
}

export class ScriptClient extends ApiClient {
  // async, so an unknown route rejects like any failed request (callers' .catch sees it too).
  async call(route, opts) {
    return super.call(checkRoute(route), opts);
  }

  async callRaw(route, opts) {
    return super.callRaw(checkRoute(route), opts);
  }

  /** The absolute URL of a route, for load generators that send the request themselves (autocannon). */
  routeURL(route, { params, query } = {}) {
    return this.url(routePath(checkRoute(route), params).path, query);
  }
}
