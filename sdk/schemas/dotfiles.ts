import { z } from "zod";
import { gitSourceSchema } from "./git";

/** A user's dotfiles repository: same rules as a session's repository (no credentials in the URL). */
export const setDotfilesBody = gitSourceSchema;
export const dotfilesSchema = z.object({ url: z.string(), ref: z.string().nullable(), updatedAt: z.string() });
export const dotfilesResponse = z.object({ dotfiles: dotfilesSchema.nullable() });
export type DotfilesResponse = z.infer<typeof dotfilesResponse>;

/** The last time dotfiles were applied to a session: what ran and the tail of its output. */
export const sessionDotfilesSchema = z.object({
  url: z.string(),
  status: z.enum(["applied", "failed"]),
  output: z.string(),
  at: z.string(),
});
export const sessionDotfilesResponse = z.object({ run: sessionDotfilesSchema.nullable() });
export type SessionDotfilesResponse = z.infer<typeof sessionDotfilesResponse>;

/** POST /api/sessions/:sessionId/dotfiles/apply: whether the install script (or linking) succeeded, and its output. */
export const dotfilesApplyResponse = z.object({ ok: z.boolean(), output: z.string() });
