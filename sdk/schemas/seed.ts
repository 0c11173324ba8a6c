import { z } from "zod";
import { envValueSchema } from "../reserved-env";
import { ROLES } from "../states";
import { RESTORABLE_KINDS } from "./admin";
import { emailSchema, idSchema } from "./common";
import { manifestSchema } from "./manifest";
import { templateNameSchema } from "./templates";

/**
 * Operator seeding (docs/runbook.md "Seeding fixtures"): accounts, templates, legacy rows and bulk
 * sessions for test stacks, e2e and bench, made by the product instead of SQL. The routes answer
 * only on a deployment with OPERATOR_SEEDING=1, and only to a proven operator.
 */
export const SIGN_IN_KINDS = ["cli", "browser"] as const;

export const seedUserBody = z
  .object({
    /** Default: a fresh `usr_…@example.com`. An address listed in OPERATOR_EMAILS is refused. */
    email: emailSchema.optional(),
    /** A role in this existing workspace instead of a personal one. */
    workspaceId: idSchema.optional(),
    /** Only with workspaceId (default member); in a personal workspace the user is its owner. */
    role: z.enum(ROLES).optional(),
    /** Sign-ins to issue, each valid for a day: `cli` gives a bearer token, `browser` a session cookie. */
    signIns: z.array(z.enum(SIGN_IN_KINDS)).min(1).max(4).optional(),
  })
  .strict()
  .refine((b) => b.role === undefined || b.workspaceId !== undefined, { message: "role needs workspaceId", path: ["role"] });
export type SeedUserBody = z.infer<typeof seedUserBody>;

export const seededSignInSchema = z.object({
  id: z.string(),
  kind: z.enum(SIGN_IN_KINDS),
  /** The bearer token (cli) or the `bf_session` cookie value (browser); shown once. */
  token: z.string(),
  expiresAt: z.string(),
});
export const seededUserSchema = z.object({
  userId: z.string(),
  email: z.string(),
  workspaceId: z.string(),
  role: z.enum(ROLES),
  signIns: z.array(seededSignInSchema),
});
export type SeededUser = z.infer<typeof seededUserSchema>;

/** Names as an older API accepted them (shape only), so tests can prove reads drop what the rules now refuse. */
const legacyEnvName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");
const legacyEnv = z.record(legacyEnvName, envValueSchema.max(4096)).refine((env) => Object.keys(env).length <= 32, {
  message: "at most 32 entries",
});

export const seedTemplateBody = z
  .object({
    workspaceId: idSchema,
    /** Default: the template's id. */
    name: templateNameSchema.optional(),
    manifest: manifestSchema,
    /** Env entries stored in the manifest unchecked, as a version saved before today's env rules. */
    legacyEnv: legacyEnv.optional(),
  })
  .strict();
export type SeedTemplateBody = z.infer<typeof seedTemplateBody>;
/** A template whose one version is active and has no bundle: sessions start from its manifest alone. */
export const seededTemplateSchema = z.object({ templateId: z.string(), versionId: z.string() });

export const seedSecretsBody = z
  .object({
    workspaceId: idSchema,
    /** Sealed like PUT /api/workspaces/current/secrets, but names are checked for shape only (rows saved before a rule). */
    secrets: legacyEnv,
  })
  .strict();
export const seededSecretsSchema = z.object({ names: z.array(z.string()) });

export const MAX_SEEDED_SESSIONS = 10_000;
/** Resting states only: no state machine step is half-done behind a seeded row. */
export const SEEDED_SESSION_STATES = ["stopped", "sleeping", "running", "failed"] as const;
export const seedSessionsBody = z
  .object({
    workspaceId: idSchema,
    /** A member of the workspace. */
    ownerId: idSchema,
    count: z.number().int().min(1).max(MAX_SEEDED_SESSIONS),
    /** Names are `<namePrefix><i>`, i zero-padded to five digits. */
    namePrefix: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes"),
    /** Row i gets states[i % states.length]. Rows only: no runtime exists behind them (list and load benchmarks). */
    states: z.array(z.enum(SEEDED_SESSION_STATES)).min(1).max(20).optional(),
  })
  .strict();
export const seededSessionsSchema = z.object({ created: z.number().int() });

/**
 * Something already deleted, as if deleted `deletedDaysAgo` days ago: the one fixture that moves
 * time, for tests of the retention window (reconcile's purge), which cannot wait days.
 */
export const seedDeletedAgeBody = z
  .object({
    kind: z.enum(RESTORABLE_KINDS),
    id: idSchema,
    deletedDaysAgo: z.number().positive().max(3650),
  })
  .strict();
export const seededDeletedAgeSchema = z.object({ kind: z.enum(RESTORABLE_KINDS), id: z.string(), deletedAt: z.string() });
