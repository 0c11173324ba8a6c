import type { AppBindings } from "./env";

/** The cron trigger only enqueues; the reconcile queue consumer does the work, so retries are the queue's. */
export async function handleScheduled(controller: ScheduledController, env: AppBindings): Promise<void> {
  await env.RECONCILE_QUEUE.send({ kind: "reconcile", scheduledAt: controller.scheduledTime });
}
