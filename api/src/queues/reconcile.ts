import type { AppBindings } from "../env";
import { log } from "../lib/log";

/**
 * RECONCILE_QUEUE consumer: the ops engineer's hook. It receives each message of the reconcile
 * queue (max_batch_size 1). Until filled in it acknowledges and logs, so nothing piles up.
 */
export async function handleReconcileMessage(_env: AppBindings, message: Message<unknown>): Promise<void> {
  log("info", "reconcile message (no consumer yet)", { id: message.id });
  message.ack();
}
