import { handleBuildMessage, handleDeadLetter } from "../builds/consumer";
import type { AppBindings } from "../env";
import { log } from "../lib/log";
import { handleReconcileMessage } from "../reconcile/consumer";

type QueueKind = "builds" | "builds-dlq" | "reconcile";

/**
 * Queue names are configurable per deployment (scripts/lib/cloudflare-config.mjs), so the
 * kind comes from the name's convention: "…dlq" is the builds dead-letter queue,
 * "…reconcile" the reconcile queue, anything else the build queue.
 */
function queueKind(name: string): QueueKind {
  if (/dlq$/i.test(name)) return "builds-dlq";
  if (/reconcile$/i.test(name)) return "reconcile";
  return "builds";
}

/** Dispatches each message of a batch to its queue's consumer; one message's failure never sinks the batch. */
export async function handleQueue(batch: MessageBatch<unknown>, env: AppBindings, _ctx: ExecutionContext): Promise<void> {
  const kind = queueKind(batch.queue);
  const consumer = kind === "builds" ? handleBuildMessage : kind === "builds-dlq" ? handleDeadLetter : handleReconcileMessage;
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await consumer(env, message);
      } catch (err) {
        log("error", "queue consumer threw", { queue: batch.queue, id: message.id, error: String(err) });
        message.retry();
      }
    }),
  );
}
