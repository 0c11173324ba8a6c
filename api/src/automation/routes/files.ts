import { ApiError } from "@burstflare/sdk/errors";
import { archiveQuery, archiveUploadResult, filesBatchBody, filesBatchResult, watchQuery } from "@burstflare/sdk/schemas/automation";
import type { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { boundedJSON, SMALL_ANSWER_BYTES } from "../../lib/bounded-body";
import { conflict, jsonBody, jsonResponse, streamResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { agentJSON, callAgent } from "../../sessions/agent-call";
import { pathSession } from "../../sessions/routes/path-session";

/**
 * The file API for programs (docs/automation.md): bulk operations, directories as tar streams and
 * watch events, on the session's agent (runtime/src/agent/files/). Same permission as the editor's
 * file API (runtime.access); scoped tokens reach it with the `files` scope. Writes are audited.
 */
const { router, route } = apiRouter(["automation"]);
const access = permitted("runtime.access");
const WRITE_OPS = new Set(["write", "mkdir", "delete", "move"]);
/** What the audit log keeps of a batch's writes. */
const AUDIT_PATHS_MAX = 20;

const agentQuery = (path: string, extra: Record<string, string> = {}) => `?${new URLSearchParams({ path, ...extra })}`;

route.post("/api/sessions/{sessionId}/files/batch", access, {
  summary: "Read, write, list, stat, mkdir, delete and move files in one call; one result per op, in order",
  request: jsonBody(filesBatchBody),
  responses: { 200: jsonResponse(filesBatchResult), ...conflict },
  handler: async (c, { body }) => {
    const { id } = await pathSession(c);
    const writes = body.ops.filter((op) => WRITE_OPS.has(op.op));
    const result = await agentJSON<z.infer<typeof filesBatchResult>>(c, id, "/files/batch", { method: "POST", body: JSON.stringify(body) });
    if (writes.length) {
      const paths = writes.slice(0, AUDIT_PATHS_MAX).map((op) => (op.op === "move" ? `${op.from} -> ${op.to}` : `${op.op} ${op.path}`));
      await audit(c, { action: "session.files_write", targetType: "session", targetId: id, details: { ops: writes.length, paths } });
    }
    return c.json(result, 200);
  },
});

route.get("/api/sessions/{sessionId}/files/archive", access, {
  summary: "Download a directory of the workspace as a tar.gz stream (symlinks kept as links)",
  request: { query: archiveQuery },
  responses: { 200: streamResponse("application/gzip", "tar.gz of the directory's contents"), ...conflict },
  handler: async (c, { query }) => {
    const { id } = await pathSession(c);
    const res = await callAgent(c, id, `/files/archive${agentQuery(query.path)}`);
    return new Response(res.body, {
      headers: { "content-type": "application/gzip", "content-disposition": "attachment", "x-content-type-options": "nosniff" },
    });
  },
});

route.put("/api/sessions/{sessionId}/files/archive", access, {
  summary: "Upload a tar or tar.gz stream and merge it into a directory (unsafe entries refuse the whole archive)",
  request: { query: archiveQuery },
  responses: { 200: jsonResponse(archiveUploadResult), ...conflict },
  handler: async (c, { query: { path } }) => {
    const { id } = await pathSession(c);
    if (!c.req.raw.body) throw new ApiError("validation_failed", "the body must be a tar or tar.gz archive");
    const res = await callAgent(c, id, `/files/archive${agentQuery(path)}`, { method: "PUT", body: c.req.raw.body });
    // Only the result's own fields reach the audit log, whatever else the agent's answer holds.
    const result = archiveUploadResult.safeParse(await boundedJSON(res, SMALL_ANSWER_BYTES).catch(() => null));
    if (!result.success) throw new ApiError("runtime_unavailable", "the runtime's upload result is malformed");
    await audit(c, { action: "session.files_upload", targetType: "session", targetId: id, details: { ...result.data } });
    return c.json(result.data, 200);
  },
});

route.get("/api/sessions/{sessionId}/files/watch", access, {
  summary: "Watch a directory: Server-Sent Events `ready`, then `create`/`modify`/`delete` in order, `end` on timeout",
  request: { query: watchQuery },
  responses: { 200: streamResponse("text/event-stream", "Events; each `data` is a WatchEvent"), ...conflict },
  handler: async (c, { query: { path, timeoutMs } }) => {
    const { id } = await pathSession(c);
    const res = await callAgent(c, id, `/files/watch${agentQuery(path, { timeoutMs: String(timeoutMs) })}`);
    return new Response(res.body, { headers: { "content-type": "text/event-stream", "cache-control": "no-store" } });
  },
});

export default router;
