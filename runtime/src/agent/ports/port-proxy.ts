import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ApiError } from "@burstflare/sdk/errors";
import type { ActivityTracker } from "../activity/activity-tracker";
import type { ConnectionRegistry } from "../connections/connection-registry";
import { sendError } from "../http/respond";
import { PreviewProxy } from "../preview/preview-proxy";
import { refuseUpgrade } from "../server";

const PORT_PATH = /^\/port\/([1-9][0-9]{0,4})(?:\/|$)/;

/**
 * `/port/<n>/<path>`: the preview pass-through for any port of the session (the ports panel's
 * "open" and share links to a port). The control plane builds these paths; the agent's own
 * port is refused so nothing reaches the agent around its token check.
 */
export class PortProxies {
  private readonly proxies = new Map<number, PreviewProxy>();

  constructor(
    private readonly agentPort: () => number,
    private readonly activity: ActivityTracker,
    private readonly connections: ConnectionRegistry,
  ) {}

  private proxyFor(url: string | undefined): PreviewProxy {
    const m = PORT_PATH.exec(url ?? "");
    const port = m ? Number(m[1]) : 0;
    if (!port || port > 65535 || port === this.agentPort()) throw new ApiError("not_found", "no such port");
    let proxy = this.proxies.get(port);
    if (!proxy) {
      proxy = new PreviewProxy(port, this.activity, this.connections, `/port/${port}`);
      this.proxies.set(port, proxy);
    }
    return proxy;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.proxyFor(req.url).handle(req, res);
    } catch (err) {
      sendError(res, err);
    }
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let proxy: PreviewProxy;
    try {
      proxy = this.proxyFor(req.url);
    } catch {
      refuseUpgrade(socket, 404, "Not Found");
      return;
    }
    proxy.upgrade(req, socket, head);
  }
}
