import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { getRuntimeDriver } from "../runtime-drivers/select";
import type { FetchAgent } from "./store";

/**
 * Reaches the agent of a running session for a user-initiated snapshot or restore. The runtime
 * id of a session is its id (sdk/protocol/runtime-host.ts). Lifecycle flushes do not come this
 * way: the Session DO passes its own fetchAgent to the store.
 */
export async function runningAgent(env: AppBindings, sessionId: string): Promise<FetchAgent> {
  const driver = getRuntimeDriver(env);
  const info = await driver.get(sessionId).catch(() => null);
  if (!info) throw new ApiError("invalid_state", "the session's runtime is not running; start the session first");
  return (path, init) => driver.fetchAgent(info, path, init);
}
