import type { Query, RouteKey, RouteParams } from "@burstflare/sdk/client";
import { type QueryKey, queryOptions } from "@tanstack/react-query";
import { client, returns } from "../client";

/** The GET routes whose placeholders are exactly `P` (`never`: none). */
type GetRoute<P extends string> = {
  [K in RouteKey]: K extends `GET ${string}` ? ([RouteParams<K>] extends [P] ? ([P] extends [RouteParams<K>] ? K : never) : never) : never;
}[RouteKey];

/** An answer that wraps one list: `{ members: [...] }`. */
type Wrapped<T> = Record<string, T[]>;

/** The query of a GET whose answer wraps one list: its data is the list. */
export const listQuery = <T>(queryKey: QueryKey, route: GetRoute<never>, field: string) =>
  queryOptions({ queryKey, queryFn: async () => (await client.call(route, { returns: returns<Wrapped<T>>() }))[field] as T[] });

/** The same for a list of one session's (`GET /api/sessions/{sessionId}/…`). */
export const sessionListQuery = <T>(queryKey: QueryKey, route: GetRoute<"sessionId">, sessionId: string, field: string, query?: Query) =>
  queryOptions({
    queryKey,
    queryFn: async () => (await client.call(route, { params: { sessionId }, query, returns: returns<Wrapped<T>>() }))[field] as T[],
  });
