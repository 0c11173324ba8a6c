import type { z } from "zod";

/**
 * The contract's part of a record that extends it: only the schema's keys, in the schema's order.
 * Repositories return records that carry what the Worker needs beside the contract (a session's
 * boot config, a build's storage keys); a response must not, so routes answer with this view.
 */
export function contractView<S extends z.ZodObject>(schema: S, record: z.infer<S>): z.infer<S> {
  const view: Record<string, unknown> = {};
  const source = record as Record<string, unknown>;
  for (const key of Object.keys(schema.shape)) if (key in source) view[key] = source[key];
  return view as z.infer<S>;
}
