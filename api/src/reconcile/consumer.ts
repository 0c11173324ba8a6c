import { z } from "zod";
import type { AppBindings } from "../env";
import { log } from "../lib/log";
import { bodyOrDrop } from "../queues/message";
import { runReconcile } from "./run";

/** What api/src/scheduled.ts enqueues on the cron. */
const reconcileMessage = z.object({ kind: z.literal("reconcile"), scheduledAt: z.number().optional() });

/** A message older than this is stale: a newer cron tick has queued its own run. */
const STALE_MS = 30 * 60 * 1000;

/**
 * RECONCILE_QUEUE consumer (max_batch_size 1): one reconcile pass per message. Failed actions
 * are reported in the run's result and logs, not retried as a whole; the next cron tick sees
 * what is still left. Only a pass that could not run at all is retried by the queue.
 */
export async function handleReconcileMessage(env: AppBindings, message: Message<unknown>): Promise<void> {
  const body = bodyOrDrop(reconcileMessage, message, "reconcile message");
  if (!body) return;
  const at = body.scheduledAt;
  if (at !== undefined && Date.now() - at > STALE_MS) {
    log("warn", "stale reconcile message skipped", { id: message.id, scheduledAt: at });
    message.ack();
    return;
  }
  const result = await runReconcile(env, { actorId: null });
  log("info", "reconcile run from the queue", {
    id: message.id,
    changed: result.changed,
    failed: result.failed,
    truncated: result.truncated,
  });
  message.ack();
}
