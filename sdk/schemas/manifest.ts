import { z } from "zod";

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
    env: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env names are shell identifiers")
          .max(128),
        z.string().max(4096),
      )
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
