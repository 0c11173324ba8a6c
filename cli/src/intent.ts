import type { ApiClient } from "@burstflare/sdk/client";
import { type IntentResponse, type IntentSurface, intentResponse } from "@burstflare/sdk/schemas/intent";

/**
 * Tells the control plane the user is about to need a session, so a sleeping one marked for
 * start on intent starts waking while the CLI does its own work. Best effort: the command
 * goes on whatever the answer (an older server, a viewer's role, a network hiccup).
 */
export async function signalIntent(client: ApiClient, surface: IntentSurface, sessionId?: string): Promise<IntentResponse | null> {
  try {
    return await client.call("POST /api/intent", { body: { surface, sessionId }, schema: intentResponse });
  } catch {
    return null;
  }
}
