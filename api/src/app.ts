import { ApiError } from "@burstflare/sdk/errors";
import { bodyLimit } from "hono/body-limit";
import admin from "./admin/routes/admin";
import seed from "./admin/routes/seed";
import cliDevice from "./auth/routes/cli-device";
import auth from "./auth/routes/index";
import automation from "./automation/routes/exec";
import automationFiles from "./automation/routes/files";
import mcp from "./automation/routes/mcp";
import scopedTokens from "./automation/routes/scoped-tokens";
import builds from "./builds/routes/builds";
import exportsRouter from "./exports/routes/exports";
import git from "./git/routes/git";
import health from "./health/routes/health";
import intent from "./intent/routes/intent";
import { createRouter } from "./lib/app";
import { deprecationHeaders, documentDeprecatedPaths, routingPath } from "./lib/deprecated-paths";
import { errorResponse, onError } from "./lib/errors";
import { mountOpenAPI } from "./lib/openapi-doc";
import metrics from "./metrics/routes/metrics";
import { requestId } from "./middleware/request-id";
import ports from "./ports/routes/ports";
import preview from "./preview/routes/preview";
import runtime from "./sessions/routes/runtime";
import sessions from "./sessions/routes/sessions";
import shareAccess from "./shares/routes/share-access";
import shares from "./shares/routes/shares";
import fork from "./snapshots/routes/fork";
import snapshots from "./snapshots/routes/snapshots";
import templates from "./templates/routes/templates";
import uploads from "./templates/routes/uploads";
import audit from "./workspaces/routes/audit";
import workspaces from "./workspaces/routes/index";

/**
 * JSON bodies are small; bundle uploads (/api/uploads) and directory uploads (PUT
 * /api/sessions/:sessionId/files/archive) stream and enforce their own limits.
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
    shareAccess,
    preview,
    ports,
    git,
    intent,
    metrics,
    admin,
    seed,
    runtime,
  ]) {
    app.route("/", router);
  }
  documentDeprecatedPaths(app);
  mountOpenAPI(app);
  return app;
}
