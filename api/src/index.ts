import { appPageHeaders } from "@burstflare/sdk/app-headers";
import { ApiError } from "@burstflare/sdk/errors";
import { buildApp } from "./app";
import type { AppBindings } from "./env";
import { errorResponse } from "./lib/errors";
import { previewHostOf } from "./preview/origin";
import { buildPreviewHostApp } from "./preview/preview-host";
import { handleQueue } from "./queues/index";
import { handleScheduled } from "./scheduled";

export { SessionDO } from "./durable-objects/session";
export { WorkspaceContainer } from "./durable-objects/workspace-container";
export { WorkspaceEventsDO } from "./durable-objects/workspace-events";
export { BuildWorkflow } from "./workflows/build";

const app = buildApp();
const previewApp = buildPreviewHostApp();

/**
 * Whether the request names the app's own host (APP_ORIGIN's, a trailing dot aside; the port is
 * not compared, as for preview hosts). Any other name routed here (a stray DNS record, another
 * zone's route) gets nothing of the app, so cookies and passkeys stay bound to one host.
 */
function isAppHost(env: AppBindings, url: URL): boolean {
  if (!env.APP_ORIGIN || !URL.canParse(env.APP_ORIGIN)) return true;
  const strip = (host: string) => host.toLowerCase().replace(/\.$/, "");
  return strip(url.hostname) === strip(new URL(env.APP_ORIGIN).hostname);
}

/** The SPA's answer with the app's page headers (sdk/app-headers.ts; Pages serves the same `_headers` in production). */
async function appAsset(env: AppBindings, request: Request): Promise<Response> {
  const res = await env.ASSETS.fetch(request);
  const out = new Response(res.body, res);
  for (const [name, value] of Object.entries(appPageHeaders(env.PREVIEW_ORIGIN))) out.headers.set(name, value);
  return out;
}

/** Paths the Worker answers on the app host; the rest is the SPA (locally; Pages in production). */
const isWorkerPath = (path: string): boolean => path.startsWith("/api/") || path.startsWith("/runtime/");

export default {
  // The host decides first: a preview host gets preview traffic only, the app host never gets it.
  fetch: (request, env, ctx) => {
    const url = new URL(request.url);
    if (previewHostOf(env, url)) return previewApp.fetch(request, env, ctx);
    if (!isAppHost(env, url)) return errorResponse(new ApiError("not_found", "no such host"));
    if (!isWorkerPath(url.pathname) && env.ASSETS) return appAsset(env, request);
    return app.fetch(request, env, ctx);
  },
  queue: (batch, env, ctx) => handleQueue(batch, env, ctx),
  scheduled: (controller, env, ctx) => ctx.waitUntil(handleScheduled(controller, env)),
} satisfies ExportedHandler<AppBindings>;
