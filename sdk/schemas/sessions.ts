import { z } from "zod";
import { LIFECYCLE_PHASES, SESSION_STATES } from "../states";
import { idSchema } from "./common";

export const sessionNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(48)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes");

export const createSessionBody = z.object({
  name: sessionNameSchema,
  templateId: idSchema.optional(),
  startOnIntent: z.boolean().optional(),
});

export const sessionSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  ownerId: z.string(),
  name: z.string(),
  templateId: z.string().nullable(),
  versionId: z.string().nullable(),
  state: z.enum(SESSION_STATES),
  stateVersion: z.number().int(),
  runtimeStatus: z.string().nullable(),
  runtimeState: z.string().nullable(),
  lastBootstrapAt: z.string().nullable(),
  lastLifecyclePhase: z.enum(LIFECYCLE_PHASES).nullable(),
  failureReason: z.string().nullable(),
  previewPort: z.number().nullable(),
  startOnIntent: z.boolean(),
  newerVersionAvailable: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastActiveAt: z.string().nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

export const sshTokenSchema = z.object({ token: z.string(), expiresAt: z.string(), sshUser: z.string() });
export type SSHToken = z.infer<typeof sshTokenSchema>;
