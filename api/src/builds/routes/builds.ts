import { ApiError } from "@burstflare/sdk/errors";
import { buildListQuery, buildListSchema, buildSchema, retryDeadLetteredSchema } from "@burstflare/sdk/schemas/builds";
import { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { dbOf } from "../../lib/db";
import { downloadResponse } from "../../lib/download";
import { conflict, jsonResponse } from "../../lib/openapi";
import { apiRouter, operatorOnly, permitted } from "../../lib/route";
import { contractView } from "../../lib/view";
import { assertQuota, getLimits } from "../../workspaces/quotas";
import { listDeadLetteredBuildIds } from "../builds-repo";
import { getBuild, listBuilds, loadBuild, requeueBuild } from "../store";

const { router, route } = apiRouter(["builds"]);
const read = permitted("builds.read");
const write = permitted("builds.write");
const logQuery = z.object({ offset: z.coerce.number().int().min(0).default(0) });

route.get("/api/template-builds", read, {
  summary: "Builds of the current workspace, newest first; filter by status or template",
  request: { query: buildListQuery },
  responses: { 200: jsonResponse(buildListSchema) },
  handler: async (c, { auth, query }) => {
    const rows = await listBuilds(c.env, auth.workspaceId, query);
    return c.json({ builds: rows.map((b) => contractView(buildSchema, b)) }, 200);
  },
});

route.get("/api/template-builds/{buildId}", read, {
  summary: "One build",
  responses: { 200: jsonResponse(buildSchema) },
  handler: async (c, { auth, params }) => c.json(contractView(buildSchema, await loadBuild(c.env, auth.workspaceId, params.buildId)), 200),
});

route.get("/api/template-builds/{buildId}/log", read, {
  summary: "The build log as text, live while the build runs; `offset` returns only what follows that byte",
  description: "Headers: x-build-status (the build's state), x-log-size (bytes in the whole log so far).",
  request: { query: logQuery },
  responses: { 200: { description: "text/plain log" } },
  handler: async (c, { auth, params, query: { offset } }) => {
    const build = await loadBuild(c.env, auth.workspaceId, params.buildId);
    // The log is what the template's build steps printed: text, never sniffed into a page on the app origin.
    const headers = {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "x-build-status": build.status,
    };
    const head = build.logKey ? await c.env.BUCKET.head(build.logKey) : null;
    const size = head?.size ?? 0;
    if (!build.logKey || !head || offset >= size) return new Response("", { headers: { ...headers, "x-log-size": String(size) } });
    const object = await c.env.BUCKET.get(build.logKey, { range: { offset } });
    if (!object) return new Response("", { headers: { ...headers, "x-log-size": "0" } });
    return new Response(object.body, { headers: { ...headers, "x-log-size": String(object.size) } });
  },
});

route.get("/api/template-builds/{buildId}/artifact", permitted("builds.read", "runtime.access"), {
  summary: "Download the build's artifact (.tar.gz of the persisted paths)",
  // A build step may write the secrets of its environment into its files (~/.npmrc and the like):
  // the archive is for those with runtime access, who could read the secrets anyway.
  responses: { 200: { description: "application/gzip stream" } },
  handler: async (c, { auth, params }) => {
    const build = await loadBuild(c.env, auth.workspaceId, params.buildId);
    if (!build.artifactKey) throw new ApiError("not_found", "this build has no artifact");
    const object = await c.env.BUCKET.get(build.artifactKey);
    if (!object) throw new ApiError("not_found", "artifact not found");
    return downloadResponse(object, {
      contentType: "application/gzip",
      filename: `${build.templateName}-${build.version}-${build.id}.tar.gz`,
      sha256: build.artifactSha256,
    });
  },
});

route.post("/api/template-builds/{buildId}/retry", write, {
  summary: "Queue a failed or dead-lettered build again",
  responses: { 200: jsonResponse(buildSchema), ...conflict },
  handler: async (c, { auth, params }) => {
    const build = await loadBuild(c.env, auth.workspaceId, params.buildId);
    await assertQuota(c.env, auth.workspaceId, "buildMinutes");
    const { activeBuilds } = await getLimits(c.env, auth.workspaceId);
    const requeued = await requeueBuild(c.env, build.id, ["failed", "dead_lettered"], "retry", activeBuilds);
    if (!requeued) {
      // Refused by the state or by the active-builds limit, which the UPDATE checked itself.
      if (build.status === "failed" || build.status === "dead_lettered") await assertQuota(c.env, auth.workspaceId, "activeBuilds");
      throw new ApiError("invalid_state", `build is ${build.status}; only failed or dead-lettered builds can be retried`);
    }
    await audit(c, { action: "build.retry", targetType: "build", targetId: build.id, details: { from: build.status } });
    return c.json(contractView(buildSchema, (await getBuild(c.env, build.id)) ?? build), 200);
  },
});

route.post("/api/admin/template-builds/retry-dead-lettered", operatorOnly(), {
  tags: ["admin"],
  summary: "Operators: queue every dead-lettered build again (all workspaces)",
  responses: { 200: jsonResponse(retryDeadLetteredSchema) },
  handler: async (c) => {
    const buildIds: string[] = [];
    for (const id of await listDeadLetteredBuildIds(dbOf(c.env))) {
      if (await requeueBuild(c.env, id, ["dead_lettered"], "retry_dead_lettered")) buildIds.push(id);
    }
    await audit(c, { action: "build.retry_dead_lettered", targetType: "build", details: { count: buildIds.length, buildIds } });
    return c.json({ count: buildIds.length, buildIds }, 200);
  },
});

export default router;
