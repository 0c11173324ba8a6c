import { z } from "zod";
import { BUILD_STATES } from "../states";
import { buildSchema } from "./builds";
import { countFields, idSchema, nullableWorkspaceRecordFields, timestampFields, trimmedText, versionRefFields } from "./common";
import { manifestSchema } from "./manifest";

// ---- limits shared by the API (enforcement) and the SPA/CLI (early feedback) ----

export const BUNDLE_MAX_BYTES = 100 * 1024 * 1024;
export const UPLOAD_GRANT_TTL_MS = 15 * 60 * 1000;

export const templateNameSchema = trimmedText(48).regex(
  /^[a-z0-9][a-z0-9._-]*$/,
  "lowercase letters, digits, dots, dashes and underscores",
);

/** Version strings are labels a person chose ("1.2.0", "2026-11-29"), not semver-enforced. */
export const versionLabelSchema = trimmedText(40).regex(
  /^[A-Za-z0-9][A-Za-z0-9._+-]*$/,
  "letters, digits, dots, dashes, underscores and plus signs",
);

export const createTemplateBody = z.object({
  name: templateNameSchema,
  description: z.string().trim().max(500).optional(),
});
export type CreateTemplateBody = z.infer<typeof createTemplateBody>;

export const createVersionBody = z.object({
  version: versionLabelSchema,
  manifest: manifestSchema,
});
export type CreateVersionBody = z.infer<typeof createVersionBody>;

export const promoteBody = z.object({ versionId: idSchema });
export type PromoteBody = z.infer<typeof promoteBody>;

// ---- responses ---------------------------------------------------------------

/** A version is `awaiting_upload` until its bundle has been uploaded. */
export const versionStatusSchema = z.enum(["awaiting_upload", "uploaded"]);

export const uploadGrantSchema = z.object({
  id: z.string(),
  /** PUT the .tar.gz here (same auth as the API: bearer, or cookie + x-csrf-token). */
  url: z.string(),
  expiresAt: z.string(),
  maxBytes: z.number().int(),
});
export type UploadGrant = z.infer<typeof uploadGrantSchema>;

export const buildBriefSchema = buildSchema.pick({ id: true, status: true, createdAt: true, finishedAt: true });
export type BuildBrief = z.infer<typeof buildBriefSchema>;

export const templateVersionSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  version: z.string(),
  manifest: manifestSchema,
  status: versionStatusSchema,
  bundleSha256: z.string().nullable(),
  bundleBytes: z.number().int().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  /** The version's most recent build, if any. */
  latestBuild: buildBriefSchema.nullable(),
  /** True when this is the template's promoted (active) version. */
  active: z.boolean(),
});
export type TemplateVersion = z.infer<typeof templateVersionSchema>;

export const templateReleaseSchema = z.object({
  id: z.string(),
  ...versionRefFields,
  kind: z.enum(["promote", "rollback"]),
  actorId: z.string().nullable(),
  createdAt: z.string(),
});
export type TemplateRelease = z.infer<typeof templateReleaseSchema>;

export const templateSchema = z.object({
  ...nullableWorkspaceRecordFields,
  name: z.string(),
  description: z.string().nullable(),
  builtin: z.boolean(),
  archived: z.boolean(),
  activeVersionId: z.string().nullable(),
  activeVersion: z.string().nullable(),
  previewPort: z.number().nullable(),
  ...timestampFields,
  archivedAt: z.string().nullable(),
});
export type Template = z.infer<typeof templateSchema>;

export const buildSummarySchema = z.object(countFields(BUILD_STATES));

export const templateDetailSchema = z.object({
  template: templateSchema,
  versions: z.array(templateVersionSchema),
  releases: z.array(templateReleaseSchema),
  buildSummary: buildSummarySchema,
  /** Bytes of bundles plus build artifacts held in R2 for this template. */
  storageBytes: z.number().int(),
  /** The version a rollback would re-promote, if any. */
  rollbackTarget: z.object(versionRefFields).nullable(),
});
export type TemplateDetail = z.infer<typeof templateDetailSchema>;

export const templateListSchema = z.object({ templates: z.array(templateSchema) });

export const createVersionResponse = z.object({ version: templateVersionSchema, uploadGrant: uploadGrantSchema });
/** DELETE /api/templates/:templateId/versions/:versionId: what it freed of the templateBytes quota. */
export const deletedVersionSchema = z.object({ ok: z.literal(true), bytes: z.number().int(), objects: z.number().int() });
export type CreateVersionResponse = z.infer<typeof createVersionResponse>;

export const uploadResultSchema = z.object({
  version: templateVersionSchema,
  build: buildBriefSchema,
  sha256: z.string(),
  bytes: z.number().int(),
  files: z.number().int(),
});
export type UploadResult = z.infer<typeof uploadResultSchema>;
