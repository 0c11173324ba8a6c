import type { IncomingMessage } from "node:http";
import {
  PROCESS_OWNER_HEADER,
  PROCESS_WAIT_MAX_MS,
  processIdSchema,
  signalBody,
  startProcessBody,
} from "@burstflare/sdk/protocol/automation";
import { z } from "zod";
import { ConnectionRegistry } from "../connections/connection-registry";
import { parseWith, queryOf, readJSON, sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import type { ProcessManager } from "./process-manager";

const idQuery = z.object({ id: processIdSchema });
const outputQuery = idQuery.extend({ offset: z.coerce.number().int().min(0).default(0) });
const waitQuery = idQuery.extend({ timeoutMs: z.coerce.number().int().min(0).max(PROCESS_WAIT_MAX_MS).default(30_000) });

/** The user the Worker calls for; a process is theirs alone. */
function ownerOf(req: IncomingMessage): string | null {
  const value = req.headers[PROCESS_OWNER_HEADER];
  return typeof value === "string" && value ? value : null;
}

/** /processes: background processes (sdk/protocol/automation.ts), each seen only by who started it. */
export function processRoutes(processes: ProcessManager): Route[] {
  return [
    { method: "GET", path: "/processes", handle: (req, res) => sendJSON(res, 200, { processes: processes.list(ownerOf(req)) }) },
    {
      method: "POST",
      path: "/processes",
      handle: async (req, res) =>
        sendJSON(res, 201, await processes.start(await readJSON(req, startProcessBody), ownerOf(req), ConnectionRegistry.principalOf(req))),
    },
    {
      method: "GET",
      path: "/processes/get",
      handle: (req, res, url) => sendJSON(res, 200, processes.get(parseWith(idQuery, queryOf(url)).id, ownerOf(req))),
    },
    {
      method: "GET",
      path: "/processes/output",
      handle: (req, res, url) => {
        const q = parseWith(outputQuery, queryOf(url));
        sendJSON(res, 200, processes.output(q.id, q.offset, ownerOf(req)));
      },
    },
    {
      method: "POST",
      path: "/processes/signal",
      handle: async (req, res, url) => {
        const { id } = parseWith(idQuery, queryOf(url));
        const { signal } = await readJSON(req, signalBody);
        sendJSON(res, 200, processes.signal(id, signal, ownerOf(req)));
      },
    },
    {
      method: "POST",
      path: "/processes/wait",
      handle: async (req, res, url) => {
        const q = parseWith(waitQuery, queryOf(url));
        sendJSON(res, 200, await processes.wait(q.id, q.timeoutMs, ownerOf(req)));
      },
    },
  ];
}
