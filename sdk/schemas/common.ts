import { z } from "zod";

export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be an id");
export const emailSchema = z.string().trim().toLowerCase().email().max(254);
/** Text a person types (a name, a label): trimmed, not empty, at most `max` characters. */
export const trimmedText = (max: number) => z.string().trim().min(1).max(max);
/**
 * Refuses control characters in text shown to other people: a workspace or token name, a label
 * is printed by their `flare` into a terminal, where ESC and BEL start commands (clipboard writes,
 * screen rewrites), and a newline fakes lines of output.
 */
export const withoutControls = <T extends z.ZodType<string>>(schema: T): T =>
  schema.refine((text) => !/\p{Cc}/u.test(text), "no control characters");
export const nameSchema = withoutControls(trimmedText(80));

/** The id of a record and of the workspace it lives in. */
export const workspaceRecordFields = { id: z.string(), workspaceId: z.string() };
/** The same where `workspaceId` may be null: records outside any workspace (built-in templates and their builds, deployment-wide audit entries). */
export const nullableWorkspaceRecordFields = { id: z.string(), workspaceId: z.string().nullable() };

/** One whole-number count per key, in the keys' order (counts by kind, by state, per limit). */
export const countFields = <const K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K, z.ZodNumber>;

/** When a record was made and last changed (ISO 8601). */
export const timestampFields = { createdAt: z.string(), updatedAt: z.string() };

/** A template version by its id and by the label a person gave it ("1.2.0"). */
export const versionRefFields = { versionId: z.string(), version: z.string() };

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
