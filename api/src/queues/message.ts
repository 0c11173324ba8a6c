import type { z } from "zod";
import { log } from "../lib/log";

/**
 * The message's body parsed by `schema`; null once a malformed one is dropped (acked) loudly,
 * since retrying it cannot help. `what` names it in the log ("build queue message").
 */
export function bodyOrDrop<S extends z.ZodType>(schema: S, message: Message<unknown>, what: string): z.infer<S> | null {
  const parsed = schema.safeParse(message.body);
  if (parsed.success) return parsed.data;
  log("error", `invalid ${what} dropped`, { id: message.id, issues: parsed.error.issues });
  message.ack();
  return null;
}
