import { ApiError } from "@burstflare/sdk/errors";
import { SSH_AUTHORIZED_KEYS_HEADER, SSH_USER_HEADER } from "@burstflare/sdk/protocol/agent";
import { noteSessionConnect } from "../../intent/intents";
import { createRouter } from "../../lib/app";
import { isUpgrade } from "../../preview/sandbox";
import { handleLegacyPreviewPath, PREVIEW_GRANT_PATH_PREFIX, previewGrantRedirect } from "../../preview/session-preview";
import { visitHolder } from "../../preview/visit-grants";
import { agentError } from "../agent-call";
import { setPrincipal } from "../connections";
import { hardenFileResponse } from "../file-response";
import { requireSession } from "../records";
import { assertSafeFileQuery, authorizedKeysHeader, authorizeRuntime, sanitizeForAgent } from "../runtime-access";
import { agentPathFor, assertSafeQuery, parseSessionRuntimePath, SESSION_RUNTIME_PREFIX } from "../runtime-path";
import { sessionDORequest, sessionStub } from "../stub";

/**
 * /runtime/sessions/:sessionId/{terminal,files/*,preview/*,ssh}: checks the caller, then hands the
 * request to the session's DO. A WebSocket 101 passes as it is; a file answer keeps only its
 * content and a few headers (file-response.ts); any other answer becomes our own JSON error. The previewed app itself is served only on the session's preview host, in a CSP
 * sandbox (api/src/preview/preview-host.ts); share links (api/src/shares/gateway.ts) are the
 * other entry to the same `preview` path, never to terminal, files or ssh.
 */
const router = createRouter();

// Every path under the prefix, also those the route below cannot match (Hono matches on a decoded
// path, so an encoded newline falls through to a plain 404): the raw path is checked first.
router.use(`${SESSION_RUNTIME_PREFIX}*`, async (c, next) => {
  parseSessionRuntimePath(new URL(c.req.url).pathname);
  await next();
});

router.all("/runtime/sessions/:sessionId/:rest{.+}", async (c) => {
  // Hono's params are percent-decoded (`files%2F..%2Fpreview` would read as files/../preview):
  // the route is taken from the raw path, and the agent path is built from its validated parts.
  const url = new URL(c.req.url);
  const { sessionId: id, kind, rest } = parseSessionRuntimePath(url.pathname);
  assertSafeQuery(url.search);
  const caller = await authorizeRuntime(c, kind, id);
  await requireSession(c.env, caller.workspaceId, id);
  // Start on intent measures the time saved up to the user's actual connect.
  if (kind === "terminal" || kind === "ssh") c.executionCtx.waitUntil(noteSessionConnect(c.env, id).catch(() => {}));
  // User code never runs on the app origin: pages move to the session's preview host with a
  // grant; its WebSockets (hot reload) connect there too, never here.
  if (kind === "preview") {
    if (isUpgrade(c.req.raw)) throw new ApiError("not_found", "previews are served on their own origin");
    return previewGrantRedirect(c.env, c.req.raw, id, visitHolder(caller.userId, caller.credential));
  }
  if (kind === "files") assertSafeFileQuery(url);
  // Only the ssh token rides in the query; re-serialising every query would re-encode the app's.
  if (url.searchParams.has("token")) url.searchParams.delete("token");
  const agentPath = agentPathFor(kind, rest, url.search);
  const forwarded = sanitizeForAgent(c.req.raw, c.req.url);
  if (kind === "ssh") {
    forwarded.headers.set(SSH_AUTHORIZED_KEYS_HEADER, await authorizedKeysHeader(c.env, caller));
    forwarded.headers.set(SSH_USER_HEADER, caller.sshUser ?? "");
  }
  setPrincipal(forwarded, {
    userId: caller.userId,
    credential: caller.credential,
    ...(caller.credentialExpiresAt ? { expiresAt: caller.credentialExpiresAt } : {}),
  });
  const res = await sessionStub(c.env, id).fetch(sessionDORequest(id, "/runtime", forwarded, { agentPath, wake: true }));
  if (kind === "files") return hardenFileResponse(res);
  // Terminal and SSH answer with a WebSocket; anything else is a refusal, said in our own words
  // (an agent steered by the session's code must not answer a page on the app origin).
  if (res.status === 101 || res.webSocket) return res;
  throw await agentError(res);
});

// Not in the OpenAPI document: grant URLs of the old same-origin previews, redirected or refused.
router.all(`${PREVIEW_GRANT_PATH_PREFIX}:credential`, handleLegacyPreviewPath);
router.all(`${PREVIEW_GRANT_PATH_PREFIX}:credential/*`, handleLegacyPreviewPath);

export default router;
