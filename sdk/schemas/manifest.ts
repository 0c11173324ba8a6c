import { z } from "zod";
import { envNameProblem, envValueSchema } from "../reserved-env";
import { resourceClass } from "../resource-classes";

const relativePath = z
  .string()
  .min(1)
  .max(255)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a relative path inside the workspace");

export const manifestSchema = z
  .object({
    persistedPaths: z.array(relativePath).max(32).default([]),
    build: z.string().max(4000).optional(),
    bootstrap: z.string().max(4000).optional(),
    previewPort: z.number().int().min(1024).max(65535).optional(),
    /** Limits of each runtime (sdk/resource-classes.ts); small when absent. */
    resourceClass: resourceClass.optional(),
    env: z
      .record(z.string(), envValueSchema.max(4096))
      // Checked here rather than as the record's key schema so the message names the variable.
      .superRefine((env, ctx) => {
        for (const name of Object.keys(env)) {
          const problem = envNameProblem(name);
          if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
        }
      })
      .optional(),
    idleTimeoutSeconds: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 3600)
      .optional(),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;

/**
 * A manifest read back from storage: env names refused since it was saved are dropped, so
 * such a template still starts (without them) instead of failing to parse.
 */
export const storedManifestSchema = z.preprocess((raw) => {
  if (typeof raw !== "object" || raw === null || !("env" in raw)) return raw;
  const { env } = raw as { env: unknown };
  if (typeof env !== "object" || env === null) return raw;
  return { ...raw, env: Object.fromEntries(Object.entries(env).filter(([name]) => envNameProblem(name) === null)) };
}, manifestSchema);
