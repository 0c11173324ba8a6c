import { z } from "zod";
import { BUILD_STATES } from "../states";
import { idSchema, nullableWorkspaceRecordFields, versionRefFields } from "./common";

export const buildSchema = z.object({
  ...nullableWorkspaceRecordFields,
  templateId: z.string(),
  templateName: z.string(),
  ...versionRefFields,
  status: z.enum(BUILD_STATES),
  attempts: z.number().int(),
  error: z.string().nullable(),
  artifactSha256: z.string().nullable(),
  artifactBytes: z.number().int().nullable(),
  hasArtifact: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type Build = z.infer<typeof buildSchema>;

export const buildListQuery = z.object({
  status: z.enum(BUILD_STATES).optional(),
  templateId: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type BuildListQuery = z.infer<typeof buildListQuery>;

export const buildListSchema = z.object({ builds: z.array(buildSchema) });

export const retryDeadLetteredSchema = z.object({ count: z.number().int(), buildIds: z.array(z.string()) });

/**
 * The build queue message. `reason` says who enqueued it: the upload, a person's retry,
 * or an operator's bulk retry of dead-lettered builds.
 */
export const buildQueueMessage = z.object({
  buildId: idSchema,
  reason: z.enum(["upload", "retry", "retry_dead_lettered"]),
});
export type BuildQueueMessage = z.infer<typeof buildQueueMessage>;

/** Bytes of live log the API keeps; beyond this the log notes the truncation. */
export const BUILD_LOG_MAX_BYTES = 4 * 1024 * 1024;
