import { z } from "zod";

/** Client → server text frames on /runtime/sessions/:sessionId/terminal. Server → client frames are binary output. */
export const terminalClientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().max(1024 * 1024) }),
  z.object({
    type: z.literal("resize"),
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
]);
export type TerminalClientFrame = z.infer<typeof terminalClientFrame>;

/** Query of the terminal WebSocket: which terminal of the session, and its first size. */
export const terminalQuery = z.object({
  terminal: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default("main"),
  cols: z.coerce.number().int().min(1).max(1000).default(80),
  rows: z.coerce.number().int().min(1).max(1000).default(24),
  /** The owner's choice whether other members may attach to this terminal ("1") or not ("0"). */
  shared: z.enum(["0", "1"]).optional(),
});
