import { ApiError } from "@burstflare/sdk/errors";
import { PROCESS_OWNER_HEADER, type ProcessInfo, processIdSchema, runEvent } from "@burstflare/sdk/protocol/automation";
import {
  execBodySchema,
  execResultSchema,
  processInfoSchema,
  processListSchema,
  processOutputQuery,
  processOutputSchema,
  processSignalBody,
  processWaitQuery,
  startProcessSchema,
} from "@burstflare/sdk/schemas/automation";
import { idSchema } from "@burstflare/sdk/schemas/common";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { audit } from "../../lib/audit";
import { ndjsonReader } from "../../lib/ndjson";
import { conflict, jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { agentJSON, callAgent } from "../../sessions/agent-call";
import { pathSession } from "../../sessions/routes/path-session";
import { collectRun } from "../run-result";

/**
 * Sessions as programmable sandboxes (docs/automation.md): run a command and get its output,
 * or start background processes the agent holds. Same permission as the terminal
 * (runtime.access); every command is audited. Scoped API tokens reach these routes with the
 * `exec` scope (api/src/auth/token-scope.ts).
 */
const { router, route } = apiRouter(["automation"]);
const processParams = z.object({ sessionId: idSchema, processId: processIdSchema });
const access = permitted("runtime.access");
/** What the audit log keeps of a command: enough to recognise it, not a whole script. */
const AUDIT_COMMAND_MAX = 256;

/** Background processes are the caller's own: the agent shows each only to the user who started it. */
const owner = (c: Context<AppEnv>) => ({ [PROCESS_OWNER_HEADER]: c.get("auth").userId });

type ProcessQuery = Record<string, string | number>;

/** The session and background process the path names; `ask` calls the runtime's `/processes/<action>?id=…` as the caller. */
async function pathProcess(c: Context<AppEnv, string, { out: { param: { sessionId: string; processId: string } } }>) {
  const { id } = await pathSession(c);
  const { processId: pid } = c.req.valid("param");
  const ask = <T>(action: string, query: ProcessQuery = {}, init: RequestInit = {}) => {
    const search = new URLSearchParams({ id: pid, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
    return agentJSON<T>(c, id, `/processes/${action}?${search}`, { ...init, headers: owner(c) });
  };
  return { id, pid, ask };
}

/** One question about the background process the path names, answered as the runtime answers it. */
async function askProcess<T>(c: Parameters<typeof pathProcess>[0], action: string, query?: ProcessQuery, init?: RequestInit) {
  const { ask } = await pathProcess(c);
  return ask<T>(action, query, init);
}

const display = (b: { argv?: string[]; command?: string }) => (b.command ?? b.argv?.join(" ") ?? "").slice(0, AUDIT_COMMAND_MAX);

route.post("/api/sessions/{sessionId}/exec", access, {
  summary: "Run a command in the session (argv, or a shell string) and answer its exit and output; `stream: true` answers SSE",
  request: jsonBody(execBodySchema),
  responses: {
    200: {
      content: { "application/json": { schema: execResultSchema }, "text/event-stream": { schema: z.string() } },
      description: "The result, or with `stream: true` events `stdout`, `stderr`, `truncated` ({stream, limit}) and a last `exit`",
    },
    ...conflict,
  },
  handler: async (c, { body }) => {
    const { id } = await pathSession(c);
    const { stream, ...run } = body;
    await audit(c, { action: "session.exec", targetType: "session", targetId: id, details: { command: display(body), stream } });
    const res = await callAgent(c, id, "/exec/run", { method: "POST", body: JSON.stringify(run) });
    if (!res.body) throw new ApiError("runtime_unavailable", "the runtime answered without a body");
    if (stream) return sseOf(res.body);
    return c.json(await collectRun(res.body, run.maxOutputBytes), 200);
  },
});

/**
 * NDJSON RunEvents → SSE. Cancelling it (the caller went away) cancels the agent's stream, and the
 * agent kills the command when its connection closes. Under local `wrangler dev` the Worker is
 * not told of the disconnect, so there the command runs on until its timeout (docs/automation.md).
 */
function sseOf(body: ReadableStream<Uint8Array>): Response {
  const encoder = new TextEncoder();
  const lines = ndjsonReader(body);
  const out = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const value = await lines.next();
        if (value === null) return controller.close();
        // Only RunEvents: an invented `type` holding a newline would frame events of its own.
        const event = runEvent.safeParse(value);
        if (!event.success) continue;
        controller.enqueue(encoder.encode(`event: ${event.data.type}\ndata: ${JSON.stringify(event.data)}\n\n`));
        return;
      }
    },
    cancel: () => lines.cancel(),
  });
  return new Response(out, { headers: { "content-type": "text/event-stream", "cache-control": "no-store" } });
}

route.post("/api/sessions/{sessionId}/processes", access, {
  summary: "Start a background process; the runtime holds it, it survives the caller's disconnect",
  request: jsonBody(startProcessSchema),
  responses: { 201: jsonResponse(processInfoSchema, "Started"), ...conflict },
  handler: async (c, { body }) => {
    const { id } = await pathSession(c);
    const info = await agentJSON<ProcessInfo>(c, id, "/processes", { method: "POST", body: JSON.stringify(body), headers: owner(c) });
    await audit(c, {
      action: "session.exec",
      targetType: "session",
      targetId: id,
      details: { command: display(body), background: true, processId: info.id },
    });
    return c.json(info, 201);
  },
});

route.get("/api/sessions/{sessionId}/processes", access, {
  summary: "Background processes of the session's runtime: command, pid, state, start time",
  responses: { 200: jsonResponse(processListSchema), ...conflict },
  handler: async (c) => {
    const { id } = await pathSession(c);
    return c.json(await agentJSON<{ processes: ProcessInfo[] }>(c, id, "/processes", { headers: owner(c) }), 200);
  },
});

route.get("/api/sessions/{sessionId}/processes/{processId}", access, {
  summary: "One background process",
  request: { params: processParams },
  responses: { 200: jsonResponse(processInfoSchema), ...conflict },
  handler: async (c) => c.json(await askProcess<ProcessInfo>(c, "get"), 200),
});

route.get("/api/sessions/{sessionId}/processes/{processId}/output", access, {
  summary: "A background process's output (stdout and stderr interleaved) from a byte offset",
  request: { params: processParams, query: processOutputQuery },
  responses: { 200: jsonResponse(processOutputSchema), ...conflict },
  handler: async (c, { query }) => c.json(await askProcess<z.infer<typeof processOutputSchema>>(c, "output", query), 200),
});

route.post("/api/sessions/{sessionId}/processes/{processId}/signal", access, {
  summary: "Send a signal to a background process's process group",
  request: { params: processParams, ...jsonBody(processSignalBody) },
  responses: { 200: jsonResponse(processInfoSchema), ...conflict },
  handler: async (c, { body }) => {
    const { id, pid, ask } = await pathProcess(c);
    const info = await ask<ProcessInfo>("signal", {}, { method: "POST", body: JSON.stringify(body) });
    await audit(c, {
      action: "session.process_signal",
      targetType: "session",
      targetId: id,
      details: { processId: pid, signal: body.signal },
    });
    return c.json(info, 200);
  },
});

route.post("/api/sessions/{sessionId}/processes/{processId}/wait", access, {
  summary: "Wait (≤ 60 s) for a background process to exit; still `running` when the wait ran out",
  request: { params: processParams, query: processWaitQuery },
  responses: { 200: jsonResponse(processInfoSchema), ...conflict },
  handler: async (c, { query }) => c.json(await askProcess<ProcessInfo>(c, "wait", query, { method: "POST" }), 200),
});

export default router;
