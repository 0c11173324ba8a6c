import { z } from "zod";
import { idSchema } from "./common";

/** Where a user showed they are about to use a session (start on intent). */
export const INTENT_SURFACES = ["dashboard", "workbench", "ssh", "cli"] as const;
export type IntentSurface = (typeof INTENT_SURFACES)[number];

export const intentBody = z.object({
  surface: z.enum(INTENT_SURFACES),
  /** The session the surface is about (workbench, ssh); otherwise the caller's most recently used one. */
  sessionId: idSchema.optional(),
});
export type IntentBody = z.infer<typeof intentBody>;

/**
 * What the control plane did: `waking` (a wake started in the background), `running` or
 * `starting` (nothing to do), `none` (no sleeping session marked for start on intent),
 * `quota` (waking would exceed the running-sessions quota).
 */
export const INTENT_ACTIONS = ["waking", "running", "starting", "none", "quota"] as const;
export type IntentAction = (typeof INTENT_ACTIONS)[number];

export const intentResponse = z.object({
  intentId: z.string().nullable(),
  sessionId: z.string().nullable(),
  action: z.enum(INTENT_ACTIONS),
});
export type IntentResponse = z.infer<typeof intentResponse>;
