import { buildApp } from "./app";
import type { AppBindings } from "./env";
import { handleQueue } from "./queues/index";
import { handleScheduled } from "./scheduled";

export { SessionDO } from "./durable-objects/session";
export { WorkspaceContainer } from "./durable-objects/workspace-container";
export { BuildWorkflow } from "./workflows/build";

const app = buildApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env, ctx) => handleQueue(batch, env, ctx),
  scheduled: (controller, env, ctx) => ctx.waitUntil(handleScheduled(controller, env)),
} satisfies ExportedHandler<AppBindings>;
