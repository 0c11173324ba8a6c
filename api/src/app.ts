import { ApiError } from "@burstflare/sdk/errors";
import { bodyLimit } from "hono/body-limit";
import { createRouter } from "./lib/app";
import { deprecationHeaders, documentDeprecatedPaths, routingPath } from "./lib/deprecated-paths";
import { errorResponse, onError } from "./lib/errors";
import { requestId } from "./middleware/request-id";
import admin from "./routes/admin";
import audit from "./routes/audit";
import auth from "./routes/auth";
import automation from "./routes/automation";
import automationFiles from "./routes/automation-files";
import builds from "./routes/builds";
import cliDevice from "./routes/cli-device";
import exportsRouter from "./routes/exports";
import fork from "./routes/fork";
import git from "./routes/git";
import health from "./routes/health";
import intent from "./routes/intent";
import mcp from "./routes/mcp";
import metrics from "./routes/metrics";
import { mountOpenAPI } from "./routes/openapi";
import ports from "./routes/ports";
import preview from "./routes/preview";
import runtime from "./routes/runtime";
import scopedTokens from "./routes/scoped-tokens";
import sessions from "./routes/sessions";
import shares from "./routes/shares";
import snapshots from "./routes/snapshots";
import templates from "./routes/templates";
import uploads from "./routes/uploads";
import workspaces from "./routes/workspaces";

/**
 * JSON bodies are small; bundle uploads (/api/uploads) and directory uploads (PUT
 * /api/sessions/:id/files/archive) stream and enforce their own limits.
 */
const JSON_BODY_LIMIT = 256 * 1024;
const STREAMED_UPLOAD = /^\/api\/sessions\/[^/]+\/files\/archive$/;

export function buildApp() {
  // Deprecated paths route as their current ones until removed (docs/architecture.md).
  const app = createRouter({ getPath: routingPath });
  app.use("*", requestId);
  app.use("/api/*", deprecationHeaders);
  app.use("/api/*", async (c, next) => {
    if (c.req.path.startsWith("/api/uploads/") || STREAMED_UPLOAD.test(c.req.path)) return next();
    return bodyLimit({
      maxSize: JSON_BODY_LIMIT,
      onError: () => errorResponse(new ApiError("payload_too_large", `request body over ${JSON_BODY_LIMIT} bytes`)),
    })(c, next);
  });
  app.onError(onError);
  app.notFound((c) => errorResponse(new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`)));

  for (const router of [
    health,
    auth,
    cliDevice,
    workspaces,
    audit,
    templates,
    uploads,
    builds,
    sessions,
    automation,
    automationFiles,
    scopedTokens,
    fork,
    mcp,
    snapshots,
    exportsRouter,
    shares,
    preview,
    ports,
    git,
    intent,
    metrics,
    admin,
    runtime,
  ]) {
    app.route("/", router);
  }
  documentDeprecatedPaths(app);
  mountOpenAPI(app);
  return app;
}
