import { z } from "zod";
import { PROCESS_WAIT_MAX_MS, processIdSchema, signalBody, startProcessBody } from "../../../../sdk/protocol/automation";
import { parseWith, queryOf, readJSON, sendJSON } from "../http/respond";
import type { Route } from "../http/router";
import type { ProcessManager } from "./process-manager";

const idQuery = z.object({ id: processIdSchema });
const outputQuery = idQuery.extend({ offset: z.coerce.number().int().min(0).default(0) });
const waitQuery = idQuery.extend({ timeoutMs: z.coerce.number().int().min(0).max(PROCESS_WAIT_MAX_MS).default(30_000) });

/** /processes: background processes (sdk/protocol/automation.ts). */
export function processRoutes(processes: ProcessManager): Route[] {
  return [
    { method: "GET", path: "/processes", handle: (_req, res) => sendJSON(res, 200, { processes: processes.list() }) },
    {
      method: "POST",
      path: "/processes",
      handle: async (req, res) => sendJSON(res, 201, await processes.start(await readJSON(req, startProcessBody))),
    },
    {
      method: "GET",
      path: "/processes/get",
      handle: (_req, res, url) => sendJSON(res, 200, processes.get(parseWith(idQuery, queryOf(url)).id)),
    },
    {
      method: "GET",
      path: "/processes/output",
      handle: (_req, res, url) => {
        const q = parseWith(outputQuery, queryOf(url));
        sendJSON(res, 200, processes.output(q.id, q.offset));
      },
    },
    {
      method: "POST",
      path: "/processes/signal",
      handle: async (req, res, url) => {
        const { id } = parseWith(idQuery, queryOf(url));
        const { signal } = await readJSON(req, signalBody);
        sendJSON(res, 200, processes.signal(id, signal));
      },
    },
    {
      method: "POST",
      path: "/processes/wait",
      handle: async (_req, res, url) => {
        const q = parseWith(waitQuery, queryOf(url));
        sendJSON(res, 200, await processes.wait(q.id, q.timeoutMs));
      },
    },
  ];
}
