import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/env";
import { jsonBody, jsonResponse } from "../../src/lib/openapi";
import { type Access, apiRouter } from "../../src/lib/route";
import type { AuthContext } from "../../src/middleware/auth";

const caller = { userId: "usr_caller", workspaceId: "ws_caller" } as AuthContext;
const signedInAs: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("auth", caller);
  await next();
};
const refuse: MiddlewareHandler<AppEnv> = async (c) => c.json({ error: { code: "forbidden", message: "not allowed" } }, 403);

function itemRouter(access: Access) {
  const { router, route } = apiRouter(["items"]);
  const seen: unknown[] = [];
  route.post("/items/{itemId}", access, {
    summary: "Rename an item",
    request: { ...jsonBody(z.object({ name: z.string().min(1) })), query: z.object({ dry: z.enum(["0", "1"]) }) },
    responses: { 200: jsonResponse(z.object({ name: z.string() })) },
    handler: async (c, input) => {
      seen.push(input);
      return c.json({ name: input.body.name }, 200);
    },
  });
  router.onError((err, c) => c.json({ error: { code: "thrown", message: String(err) } }, 400));
  return { router, seen };
}

const rename = (router: ReturnType<typeof itemRouter>["router"], path: string, body: unknown) =>
  router.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("route declarations", () => {
  it("give the handler the caller and the validated body, path params and query", async () => {
    const { router, seen } = itemRouter([signedInAs]);
    const res = await rename(router, "/items/itm_1?dry=1", { name: "new", extra: "dropped" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "new" });
    expect(seen).toEqual([{ auth: caller, body: { name: "new" }, params: { itemId: "itm_1" }, query: { dry: "1" } }]);
  });

  it("never run the handler when the input is invalid or access refuses", async () => {
    const open = itemRouter([signedInAs]);
    expect((await rename(open.router, "/items/itm_1?dry=2", { name: "new" })).status).toBe(400);
    expect((await rename(open.router, "/items/itm_1?dry=1", { name: "" })).status).toBe(400);
    expect((await rename(open.router, "/items/..%2F..?dry=1", { name: "new" })).status).toBe(400);
    expect(open.seen).toEqual([]);

    const closed = itemRouter([refuse, signedInAs]);
    expect((await rename(closed.router, "/items/itm_1?dry=1", { name: "new" })).status).toBe(403);
    expect(closed.seen).toEqual([]);
  });

  it("refuse a route that states no access, at compile time and when declared", () => {
    const { route } = apiRouter(["items"]);
    const declare = () =>
      // @ts-expect-error an empty access list: every route states who may call it
      route.get("/open", [], { summary: "Open to anyone", responses: { 200: { description: "OK" } }, handler: (c) => c.text("open") });
    expect(declare).toThrow(/a route states who may call it/);
  });

  it("document the route with its tags, id path params and the shared error responses", () => {
    const { router } = itemRouter([signedInAs]);
    const doc = router.getOpenAPIDocument({ openapi: "3.0.0", info: { title: "t", version: "1" } });
    const op = doc.paths["/items/{itemId}"]?.post;
    expect(op?.tags).toEqual(["items"]);
    expect(op?.summary).toBe("Rename an item");
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual(["200", "400", "401", "403", "404"]);
    expect(op?.parameters?.map((p) => ("name" in p ? `${p.in}:${p.name}` : ""))).toEqual(["path:itemId", "query:dry"]);
  });
});
