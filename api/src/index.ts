import { buildApp } from "./app";
import type { AppBindings } from "./env";
import { previewHostOf } from "./preview/origin";
import { buildPreviewHostApp } from "./preview/preview-host";
import { handleQueue } from "./queues/index";
import { handleScheduled } from "./scheduled";

export { SessionDO } from "./durable-objects/session";
export { WorkspaceContainer } from "./durable-objects/workspace-container";
export { BuildWorkflow } from "./workflows/build";

const app = buildApp();
const previewApp = buildPreviewHostApp();

/** Paths the Worker answers on the app host; the rest is the SPA (locally; Pages in production). */
const isWorkerPath = (path: string): boolean => path.startsWith("/api/") || path.startsWith("/runtime/");

export default {
  // The host decides first: a preview host gets preview traffic only, the app host never gets it.
  fetch: (request, env, ctx) => {
    const url = new URL(request.url);
    if (previewHostOf(env, url)) return previewApp.fetch(request, env, ctx);
    if (!isWorkerPath(url.pathname) && env.ASSETS) return env.ASSETS.fetch(request);
    return app.fetch(request, env, ctx);
  },
  queue: (batch, env, ctx) => handleQueue(batch, env, ctx),
  scheduled: (controller, env, ctx) => ctx.waitUntil(handleScheduled(controller, env)),
} satisfies ExportedHandler<AppBindings>;
