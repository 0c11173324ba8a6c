import type { AdminReport } from "@burstflare/sdk/schemas/admin";
import { z } from "zod";
import type { AppBindings } from "../env";

const KEY = "reconcile:last-run";
const lastRun = z.object({ at: z.string(), preview: z.boolean(), actions: z.number().int(), failed: z.number().int() });

/** The last real (not preview) run, for the admin report; kept 30 days. */
export async function recordLastReconcile(env: AppBindings, run: z.infer<typeof lastRun>): Promise<void> {
  await env.KV.put(KEY, JSON.stringify(run), { expirationTtl: 30 * 24 * 3600 });
}

export async function lastReconcile(env: AppBindings): Promise<AdminReport["lastReconcile"]> {
  const raw = await env.KV.get(KEY, "json").catch(() => null);
  const parsed = lastRun.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
