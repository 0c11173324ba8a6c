import type { BuildQueueMessage } from "@burstflare/sdk/schemas/builds";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import type { AppBindings } from "../env";

/**
 * Deterministic fault injection for the stack tests, honoured only when the deployment sets
 * BF_TEST_HOOKS=1 (test/stack/global-setup.ts does; wrangler.toml and production never do).
 * A manifest with env BF_TEST_CONSUMER_THROWS=<reason> makes the consumer throw on every
 * delivery of messages with that reason, e.g. "upload": the upload's build dead-letters,
 * and a later retry (reason "retry"/"retry_dead_lettered") goes through.
 */
export function consumerTestFault(env: AppBindings, message: BuildQueueMessage, manifest: Manifest): void {
  if ((env as { BF_TEST_HOOKS?: string }).BF_TEST_HOOKS !== "1") return;
  if (manifest.env?.BF_TEST_CONSUMER_THROWS === message.reason) {
    throw new Error(`test hook: consumer throws on "${message.reason}" deliveries`);
  }
}
