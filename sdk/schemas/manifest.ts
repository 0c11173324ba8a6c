import { z } from "zod";
import { envNameProblem, envValueSchema } from "../reserved-env";
import { resourceClass } from "../resource-classes";
import { gitSourceSchema } from "./git";

const relativePath = z
  .string()
  .min(1)
  .max(255)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a relative path inside the workspace");

/** What devcontainer's `onAutoForward` asks for when a port starts listening. */
export const portAutoForward = z.enum(["notify", "openBrowser", "openBrowserOnce", "openPreview", "silent", "ignore"]);

/** A port the template knows about: its label in the ports panel (from devcontainer `portsAttributes`). */
export const manifestPort = z
  .object({
    port: z.number().int().min(1).max(65535),
    label: z.string().min(1).max(100).optional(),
    onAutoForward: portAutoForward.optional(),
  })
  .strict();
export type ManifestPort = z.infer<typeof manifestPort>;

/** A devcontainer.json key the import could not honour: why, and what happens instead. */
export const importWarning = z.object({
  key: z.string().min(1).max(200),
  reason: z.string().min(1).max(500),
  instead: z.string().min(1).max(500),
});
export type ImportWarning = z.infer<typeof importWarning>;

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
    /** A repository cloned at each session's first start (sdk/schemas/git.ts). */
    git: gitSourceSchema.optional(),
    /** Ports with labels; listening ports not listed here still show, unlabelled. */
    ports: z.array(manifestPort).max(64).optional(),
    /** Set by a devcontainer.json import (sdk/devcontainer.ts): the warnings reach the build log and the SPA. */
    imported: z
      .object({
        from: z.literal("devcontainer.json"),
        name: z.string().max(200).optional(),
        warnings: z.array(importWarning).max(100),
      })
      .strict()
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
