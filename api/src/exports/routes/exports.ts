import { workspaceExportListSchema, workspaceExportSchema } from "@burstflare/sdk/schemas/snapshots";
import type { AppBindings } from "../../env";
import { audit } from "../../lib/audit";
import { downloadResponse } from "../../lib/download";
import { notFound } from "../../lib/errors";
import { jsonResponse } from "../../lib/openapi";
import { apiRouter, operatorOnly, permitted, routes } from "../../lib/route";
import { exportKey, exportWorkspace, getExportMeta, listExports, pruneWorkspaceExports, toWorkspaceExport } from "../workspace-export";

const { router, route } = apiRouter(["exports"]);
const admin = routes(router, ["admin", "exports"]);
const owners = permitted("export.create");
const operators = operatorOnly();
const download = { 200: { description: "the export document, a JSON attachment (application/json)" } };

const currentURL = (exportId: string) => `/api/workspaces/current/exports/${exportId}`;
const adminURL = (workspaceId: string, exportId: string) => `/api/admin/workspaces/${workspaceId}/exports/${exportId}`;

async function streamExport(env: AppBindings, workspaceId: string, exportId: string): Promise<Response> {
  const meta = await getExportMeta(env, workspaceId, exportId);
  const object = meta ? await env.BUCKET.get(exportKey(workspaceId, exportId)) : null;
  if (!meta || !object) throw notFound("export");
  return downloadResponse(object, {
    contentType: "application/json",
    filename: `workspace-${workspaceId}-${exportId}.json`,
    sha256: meta.sha256,
  });
}

route.post("/api/workspaces/current/exports", owners, {
  summary: "Export the current workspace's records as a JSON document",
  responses: { 201: jsonResponse(workspaceExportSchema, "Created") },
  handler: async (c, { auth }) => {
    const meta = await exportWorkspace(c.env, auth.workspaceId, auth.userId);
    await pruneWorkspaceExports(c.env, auth.workspaceId);
    await audit(c, { action: "workspace.export", targetType: "export", targetId: meta.id, details: { bytes: meta.bytes } });
    return c.json(toWorkspaceExport(meta, currentURL(meta.id)), 201);
  },
});

route.get("/api/workspaces/current/exports", owners, {
  summary: "The current workspace's exports, newest first",
  responses: { 200: jsonResponse(workspaceExportListSchema) },
  handler: async (c, { auth }) => {
    const metas = await listExports(c.env, auth.workspaceId);
    return c.json({ exports: metas.map((m) => toWorkspaceExport(m, currentURL(m.id))) }, 200);
  },
});

route.get("/api/workspaces/current/exports/{exportId}", owners, {
  summary: "Download an export document",
  responses: { ...download },
  handler: async (c, { auth, params }) => streamExport(c.env, auth.workspaceId, params.exportId),
});

admin.post("/api/admin/workspaces/{workspaceId}/exports", operators, {
  summary: "Operator: export any workspace (do this before a destructive repair)",
  responses: { 201: jsonResponse(workspaceExportSchema, "Created") },
  handler: async (c, { auth, params }) => {
    const workspaceId = params.workspaceId;
    const meta = await exportWorkspace(c.env, workspaceId, auth.userId, true);
    await audit(c, {
      action: "admin.workspace.export",
      workspaceId,
      targetType: "export",
      targetId: meta.id,
      details: { bytes: meta.bytes },
    });
    return c.json(toWorkspaceExport(meta, adminURL(workspaceId, meta.id)), 201);
  },
});

admin.get("/api/admin/workspaces/{workspaceId}/exports/{exportId}", operators, {
  summary: "Operator: download an export of any workspace",
  responses: { ...download },
  handler: async (c, { params: { workspaceId, exportId } }) => {
    return streamExport(c.env, workspaceId, exportId);
  },
});

export default router;
