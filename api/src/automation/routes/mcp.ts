import { ApiError } from "@burstflare/sdk/errors";
import type { Hono } from "hono";
import type { AppEnv } from "../../env";
import { apiRouter } from "../../lib/route";
import { requireAuth } from "../../middleware/auth";

/**
 * /api/mcp: the Model Context Protocol over Streamable HTTP (stateless: one JSON-RPC exchange per
 * POST), with the same tools as `flare mcp` (sdk/mcp/server.ts). Each tool calls this same API
 * in-process with the caller's bearer token, so every permission, workspace and scoped-token rule
 * applies to it exactly as to a direct call; the route itself needs only a credential. Bearer
 * only: a browser's cookie never drives tools. The MCP SDK is loaded on first use, so it costs the
 * Worker's start-up nothing.
 */
const { router, route } = apiRouter(["automation"]);
let self: Hono<AppEnv> | null = null;

route.post("/api/mcp", [requireAuth] as const, {
  summary: "Model Context Protocol (Streamable HTTP, stateless JSON-RPC): sessions, exec, files, snapshots and forks as tools",
  responses: { 200: { description: "A JSON-RPC answer (application/json)" } },
  handler: async (c, { auth }) => {
    if (auth.via === "cookie") throw new ApiError("forbidden", "the MCP endpoint takes a bearer token (an API token or a scoped token)");
    const [{ WebStandardStreamableHTTPServerTransport }, { createMcpServer }, { BurstFlare }, { buildApp }] = await Promise.all([
      import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
      import("@burstflare/sdk/mcp/server"),
      import("@burstflare/sdk/automation-client"),
      import("../../app"),
    ]);
    self ??= buildApp();
    const app = self;
    const authorization = c.req.header("authorization") ?? "";
    const inProcess: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      request.headers.set("authorization", authorization);
      return Promise.resolve(app.fetch(request, c.env, c.executionCtx));
    };
    const bf = new BurstFlare({ baseURL: new URL(c.req.url).origin, token: authorization.slice(7).trim(), fetch: inProcess });
    const server = createMcpServer(bf);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    return transport.handleRequest(c.req.raw);
  },
});

export default router;
