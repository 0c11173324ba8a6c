import { ApiError } from "@burstflare/sdk/errors";
import {
  createTemplateBody,
  createVersionBody,
  createVersionResponse,
  deletedVersionSchema,
  promoteBody,
  templateDetailSchema,
  templateListSchema,
  templateSchema,
  templateVersionSchema,
  uploadGrantSchema,
} from "@burstflare/sdk/schemas/templates";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { audit } from "../../lib/audit";
import { newId } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { conflict, jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { now } from "../../lib/time";
import { assertQuota } from "../../workspaces/quotas";
import { deleteTemplate, deleteVersion } from "../delete";
import { createGrant } from "../grants";
import { promoteVersion, rollback } from "../releases";
import { listTemplates, loadTemplate, loadVersion, templateDetail } from "../store";
import { countVersions, insertTemplate, insertVersion, MAX_VERSIONS_PER_TEMPLATE, setTemplateArchived } from "../templates-repo";

const { router, route } = apiRouter(["templates"]);
const read = permitted("templates.read");
const write = permitted("templates.write");
const okSchema = z.object({ ok: z.literal(true) });

const isUniqueViolation = (err: unknown) => String(err).includes("UNIQUE constraint failed");

/** The template the path names (`{templateId}`), as the caller's workspace sees it; `write` refuses built-ins. */
async function pathTemplate(c: Context<AppEnv, string, { out: { param: { templateId: string } } }>, opts: { write?: boolean } = {}) {
  const auth = c.get("auth");
  const row = await loadTemplate(c.env, auth.workspaceId, c.req.valid("param").templateId, opts);
  return { auth, row };
}

route.get("/api/templates", read, {
  summary: "Templates of the current workspace plus the built-in ones",
  responses: { 200: jsonResponse(templateListSchema) },
  handler: async (c, { auth }) => {
    const rows = await listTemplates(c.env, auth.workspaceId);
    return c.json({ templates: rows }, 200);
  },
});

route.post("/api/templates", write, {
  summary: "Create a template (names are unique per workspace)",
  request: jsonBody(createTemplateBody),
  responses: { 201: jsonResponse(templateSchema, "Created"), ...conflict },
  handler: async (c, { auth, body }) => {
    await assertQuota(c.env, auth.workspaceId, "templates");
    const id = newId("tpl");
    const t = now();
    // One statement, so two concurrent creates of the same name cannot both insert.
    const inserted = await insertTemplate(dbOf(c.env), {
      id,
      workspaceId: auth.workspaceId,
      name: body.name,
      description: body.description ?? null,
      createdBy: auth.userId,
      at: t,
    });
    if (!inserted) throw new ApiError("conflict", `a template named ${body.name} already exists`);
    await audit(c, { action: "template.create", targetType: "template", targetId: id, details: { name: body.name } });
    return c.json(await loadTemplate(c.env, auth.workspaceId, id), 201);
  },
});

route.get("/api/templates/{templateId}", read, {
  summary: "A template with its versions, release history, build summary and storage used",
  responses: { 200: jsonResponse(templateDetailSchema) },
  handler: async (c) => {
    const { row } = await pathTemplate(c);
    return c.json(await templateDetail(c.env, row), 200);
  },
});

for (const action of ["archive", "restore"] as const) {
  route.post(`/api/templates/{templateId}/${action}`, write, {
    summary: action === "archive" ? "Archive: no new sessions start from it" : "Restore an archived template",
    responses: { 200: jsonResponse(templateSchema), ...conflict },
    handler: async (c) => {
      const { auth, row } = await pathTemplate(c, { write: true });
      const archived = row.archived;
      if (action === "archive" && archived) throw new ApiError("invalid_state", "template is already archived");
      if (action === "restore" && !archived) throw new ApiError("invalid_state", "template is not archived");
      const t = now();
      await setTemplateArchived(dbOf(c.env), row.id, action === "archive" ? t : null, t);
      await audit(c, { action: `template.${action}`, targetType: "template", targetId: row.id });
      return c.json(await loadTemplate(c.env, auth.workspaceId, row.id), 200);
    },
  });
}

route.delete("/api/templates/{templateId}", write, {
  summary: "Delete a template: hidden at once, restorable by an operator for the retention window, then purged with every R2 object",
  responses: { 200: jsonResponse(okSchema), ...conflict },
  handler: async (c) => {
    const { row } = await pathTemplate(c, { write: true });
    const removed = await deleteTemplate(c.env, row);
    await audit(c, { action: "template.delete", targetType: "template", targetId: row.id, details: { name: row.name, ...removed } });
    return c.json({ ok: true as const }, 200);
  },
});

route.post("/api/templates/{templateId}/versions", write, {
  summary: "Create an immutable version and get a short-lived grant to upload its bundle",
  description: `A template holds at most ${MAX_VERSIONS_PER_TEMPLATE} versions (403 \`quota_exceeded\`); deleting one frees its place.`,
  request: jsonBody(createVersionBody),
  responses: { 201: jsonResponse(createVersionResponse, "Created"), ...conflict },
  handler: async (c, { body }) => {
    const { auth, row } = await pathTemplate(c, { write: true });
    if (row.archived) throw new ApiError("invalid_state", "template is archived; restore it first");
    const versionId = newId("tpv");
    const db = dbOf(c.env);
    let inserted: boolean;
    try {
      inserted = await insertVersion(db, {
        id: versionId,
        templateId: row.id,
        workspaceId: auth.workspaceId,
        version: body.version,
        manifest: body.manifest,
        createdBy: auth.userId,
        at: now(),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError("conflict", `version ${body.version} already exists; versions are immutable`);
      throw err;
    }
    if (!inserted) {
      throw new ApiError(
        "quota_exceeded",
        `a template holds at most ${MAX_VERSIONS_PER_TEMPLATE} versions; delete old ones first (flare template delete-version)`,
        { details: { limit: "templateVersions", max: MAX_VERSIONS_PER_TEMPLATE, current: await countVersions(db, row.id) } },
      );
    }
    const uploadGrant = await createGrant(c.env, {
      workspaceId: auth.workspaceId,
      versionId,
      userId: auth.userId,
      origin: new URL(c.req.url).origin,
    });
    await audit(c, {
      action: "template.version.create",
      targetType: "template",
      targetId: row.id,
      details: { versionId, version: body.version },
    });
    const version = await loadVersion(c.env, row, versionId);
    return c.json({ version, uploadGrant }, 201);
  },
});

route.get("/api/templates/{templateId}/versions/{versionId}", read, {
  summary: "One template version",
  responses: { 200: jsonResponse(templateVersionSchema) },
  handler: async (c, { auth, params: { templateId: id, versionId } }) => {
    const row = await loadTemplate(c.env, auth.workspaceId, id);
    return c.json(await loadVersion(c.env, row, versionId), 200);
  },
});

route.delete("/api/templates/{templateId}/versions/{versionId}", write, {
  summary:
    "Delete a version with its bundle, builds and artifacts (not the promoted one, the rollback target, or one sessions started from)",
  responses: { 200: jsonResponse(deletedVersionSchema), ...conflict },
  handler: async (c, { params: { versionId } }) => {
    const { row } = await pathTemplate(c, { write: true });
    const freed = await deleteVersion(c.env, row, versionId);
    await audit(c, {
      action: "template.version_delete",
      targetType: "template_version",
      targetId: versionId,
      details: { templateId: row.id, ...freed },
    });
    return c.json({ ok: true as const, ...freed }, 200);
  },
});

route.post("/api/templates/{templateId}/versions/{versionId}/upload-grant", write, {
  summary: "A fresh upload grant for a version still awaiting its bundle (e.g. the first one expired)",
  responses: { 201: jsonResponse(uploadGrantSchema, "Created"), ...conflict },
  handler: async (c, { auth, params: { templateId: id, versionId } }) => {
    const row = await loadTemplate(c.env, auth.workspaceId, id, { write: true });
    const version = await loadVersion(c.env, row, versionId);
    if (version.status !== "awaiting_upload") throw new ApiError("invalid_state", "this version's bundle is already uploaded");
    const grant = await createGrant(c.env, {
      workspaceId: auth.workspaceId,
      versionId,
      userId: auth.userId,
      origin: new URL(c.req.url).origin,
    });
    return c.json(grant, 201);
  },
});

route.post("/api/templates/{templateId}/promote", write, {
  summary: "Promote a version with a succeeded build; new sessions start from it",
  request: jsonBody(promoteBody),
  responses: { 200: jsonResponse(templateDetailSchema), ...conflict },
  handler: async (c, { body: { versionId } }) => {
    const { auth, row } = await pathTemplate(c, { write: true });
    await loadVersion(c.env, row, versionId);
    await promoteVersion(c.env, row.id, versionId, auth.userId);
    await audit(c, { action: "template.promote", targetType: "template", targetId: row.id, details: { versionId } });
    return c.json(await templateDetail(c.env, await loadTemplate(c.env, auth.workspaceId, row.id)), 200);
  },
});

route.post("/api/templates/{templateId}/rollback", write, {
  summary: "Re-promote the release before the current one",
  responses: { 200: jsonResponse(templateDetailSchema), ...conflict },
  handler: async (c) => {
    const { auth, row } = await pathTemplate(c, { write: true });
    const target = await rollback(c.env, row.id, auth.userId);
    await audit(c, {
      action: "template.rollback",
      targetType: "template",
      targetId: row.id,
      details: { versionId: target.versionId, from: row.activeVersionId },
    });
    return c.json(await templateDetail(c.env, await loadTemplate(c.env, auth.workspaceId, row.id)), 200);
  },
});

export default router;
