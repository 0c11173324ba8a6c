import { ApiError } from "../../../sdk/errors";
import { SSH_AUTHORIZED_KEYS_HEADER, SSH_USER_HEADER } from "../../../sdk/protocol/agent";
import { idSchema } from "../../../sdk/schemas/common";
import { noteSessionConnect } from "../intent/intents";
import { createRouter } from "../lib/app";
import { hardenPreviewResponse, isUpgrade } from "../preview/sandbox";
import { handleSessionPreviewRequest, PREVIEW_GRANT_PATH_PREFIX, previewGrantRedirect } from "../preview/session-preview";
import { requireSessionRow } from "../sessions/records";
import {
  assertSafeFileQuery,
  authorizedKeysHeader,
  authorizeRuntime,
  RUNTIME_KINDS,
  type RuntimeKind,
  sanitizeForAgent,
} from "../sessions/runtime-access";
import { sessionDORequest, sessionStub } from "../sessions/stub";

/**
 * /runtime/sessions/:id/{terminal,files/*,preview/*,ssh}: checks the caller, then hands the
 * request to the session's DO, which returns the agent's response as it is (WebSocket 101
 * included). The previewed app itself is served only under `/runtime/preview/<id>.<grant>/`,
 * in a CSP sandbox (api/src/preview/session-preview.ts); share links (api/src/shares/gateway.ts)
 * are the other entry to the same `preview` path, never to terminal, files or ssh.
 */
const router = createRouter();

router.all("/runtime/sessions/:id/:rest{.+}", async (c) => {
  const id = c.req.param("id");
  const rest = c.req.param("rest");
  const kind = rest.split("/")[0] as RuntimeKind;
  if (!idSchema.safeParse(id).success || !RUNTIME_KINDS.includes(kind)) throw new ApiError("not_found", "no such runtime route");
  if ((kind === "terminal" || kind === "ssh") && rest !== kind) throw new ApiError("not_found", "no such runtime route");
  const caller = await authorizeRuntime(c, kind, id);
  await requireSessionRow(c.env, caller.workspaceId, id);
  // Start on intent measures the time saved up to the user's actual connect.
  if (kind === "terminal" || kind === "ssh") c.executionCtx.waitUntil(noteSessionConnect(c.env, id).catch(() => {}));
  // User code never renders on our origin with the caller's cookies: pages move to the sandboxed
  // grant URL. A WebSocket renders nothing, and a cookie upgrade already had to come from the app.
  if (kind === "preview" && !isUpgrade(c.req.raw)) return previewGrantRedirect(c.env, c.req.raw, id, caller.userId);
  const url = new URL(c.req.url);
  if (kind === "files") assertSafeFileQuery(url);
  url.searchParams.delete("token");
  const agentPath = `/${rest}${url.search}`;
  const forwarded = sanitizeForAgent(c.req.raw, c.req.url);
  if (kind === "ssh") {
    forwarded.headers.set(SSH_AUTHORIZED_KEYS_HEADER, await authorizedKeysHeader(c.env, caller.userId));
    forwarded.headers.set(SSH_USER_HEADER, caller.sshUser ?? "");
  }
  const res = await sessionStub(c.env, id).fetch(sessionDORequest(id, "/runtime", forwarded, { agentPath, wake: true }));
  return kind === "preview" ? hardenPreviewResponse(res) : res;
});

// Not in the OpenAPI document: the previewed app's own HTTP and WebSocket traffic.
router.all(`${PREVIEW_GRANT_PATH_PREFIX}:credential`, handleSessionPreviewRequest);
router.all(`${PREVIEW_GRANT_PATH_PREFIX}:credential/*`, handleSessionPreviewRequest);

export default router;
