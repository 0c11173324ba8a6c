import { DurableObject } from "cloudflare:workers";
import type { AppBindings } from "../env";

/**
 * One per session: owns the lifecycle state machine and proxies runtime traffic.
 * (Filled in by the runtime plane.)
 */
export class SessionDO extends DurableObject<AppBindings> {
  async fetch(_request: Request): Promise<Response> {
    return Response.json({ error: { code: "not_found", message: "session runtime not implemented" } }, { status: 404 });
  }
}
