import { ApiError } from "@burstflare/sdk/errors";
import { uploadResultSchema } from "@burstflare/sdk/schemas/templates";
import { deleteBuild, insertBuildStatement } from "../../builds/builds-repo";
import { enqueueBuild, newBuildId } from "../../builds/store";
import { audit } from "../../lib/audit";
import { dbOf } from "../../lib/db";
import { errorResponses, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { now } from "../../lib/time";
import { assertQuota, getLimits, quotaExceeded } from "../../workspaces/quotas";
import { claimGrant, releaseGrant } from "../grants";
import { bundleKey } from "../keys";
import { loadTemplate, loadVersion } from "../store";
import { markVersionUploadedStatement, templateIdOfVersion } from "../templates-repo";
import { receiveBundle } from "../upload";

const { router, route } = apiRouter(["templates"]);

route.put("/api/uploads/{grantId}", permitted("templates.write"), {
  summary: "Upload a version's bundle (.tar.gz, streamed) with its single-use grant; queues the build",
  description:
    "The body is the raw gzip'd tar with a content-length. Unsafe archives (absolute paths, `..`, links out of the tree, too many files, decompression bombs, non-gzip) are refused with 422 unsafe_archive and nothing is kept.",
  responses: {
    201: jsonResponse(uploadResultSchema, "Uploaded; build queued"),
    410: errorResponses[404],
    413: errorResponses[400],
    422: errorResponses[400],
  },
  handler: async (c, { auth, params }) => {
    const grant = await claimGrant(c.env, params.grantId, auth.userId);
    try {
      // The grant's workspace must be the caller's current one (where the role was just checked).
      if (grant.workspaceId !== auth.workspaceId) throw new ApiError("not_found", "upload grant not found");
      const db = dbOf(c.env);
      const templateId = await templateIdOfVersion(db, grant.versionId);
      if (!templateId) throw new ApiError("not_found", "template version not found");
      const template = await loadTemplate(c.env, auth.workspaceId, templateId, { write: true });
      const version = await loadVersion(c.env, template, grant.versionId);
      if (version.status !== "awaiting_upload") throw new ApiError("gone", "this version's bundle is already uploaded");
      await assertQuota(c.env, auth.workspaceId, "buildMinutes");
      // Checked before the bundle is received, and again where the build is inserted (parallel uploads).
      await assertQuota(c.env, auth.workspaceId, "activeBuilds");
      // The declared size (receiveBundle holds the body to it); a missing or bad one is refused there.
      const declared = Number(c.req.header("content-length"));
      await assertQuota(c.env, auth.workspaceId, "templateBytes", Number.isSafeInteger(declared) && declared > 0 ? declared : 0);
      const { activeBuilds } = await getLimits(c.env, auth.workspaceId);

      const key = bundleKey(auth.workspaceId, template.id, version.id, grant.id);
      const bundle = await receiveBundle(c.env.BUCKET, key, c.req.raw, grant.maxBytes);

      const buildId = newBuildId();
      const [inserted, marked] = await db.batch([
        insertBuildStatement(
          db,
          { id: buildId, workspaceId: auth.workspaceId, templateId: template.id, versionId: version.id, at: now() },
          activeBuilds,
        ),
        markVersionUploadedStatement(db, version.id, { key, sha256: bundle.sha256, bytes: bundle.bytes }, auth.userId, buildId),
      ]);
      if (inserted !== 1) {
        // Other uploads took the last places meanwhile: the version keeps waiting for its bundle.
        await c.env.BUCKET.delete(key);
        throw quotaExceeded("activeBuilds", activeBuilds, activeBuilds);
      }
      if (marked !== 1) {
        await deleteBuild(db, buildId);
        await c.env.BUCKET.delete(key);
        throw new ApiError("gone", "this version's bundle is already uploaded");
      }
      await enqueueBuild(c.env, buildId, "upload");
      await audit(c, {
        action: "template.version.upload",
        targetType: "template",
        targetId: template.id,
        details: { versionId: version.id, buildId, sha256: bundle.sha256, bytes: bundle.bytes, files: bundle.files },
      });
      const latest = await loadVersion(c.env, template, version.id);
      return c.json(
        {
          version: latest,
          build: latest.latestBuild ?? { id: buildId, status: "queued" as const, createdAt: new Date().toISOString(), finishedAt: null },
          ...bundle,
        },
        201,
      );
    } catch (err) {
      // Nothing of a rejected upload stays behind: the bundle is already deleted; the grant is given back.
      if (!(err instanceof ApiError && err.code === "gone")) await releaseGrant(c.env, grant.id);
      throw err;
    }
  },
});

export default router;
