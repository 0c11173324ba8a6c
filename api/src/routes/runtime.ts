import { ApiError } from "../../../sdk/errors";
import { SSH_AUTHORIZED_KEYS_HEADER, SSH_USER_HEADER } from "../../../sdk/protocol/agent";
import { idSchema } from "../../../sdk/schemas/common";
import { noteSessionConnect } from "../intent/intents";
import { createRouter } from "../lib/app";
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
 * included). Preview share links (issue 12) are a separate entry that will reach the same
 * `preview` path after its own check, never terminal, files or ssh.
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
  const url = new URL(c.req.url);
  if (kind === "files") assertSafeFileQuery(url);
  url.searchParams.delete("token");
  const agentPath = `/${rest}${url.search}`;
  const forwarded = sanitizeForAgent(c.req.raw, c.req.url);
  if (kind === "ssh") {
    forwarded.headers.set(SSH_AUTHORIZED_KEYS_HEADER, await authorizedKeysHeader(c.env, caller.userId));
    forwarded.headers.set(SSH_USER_HEADER, caller.sshUser ?? "");
  }
  return sessionStub(c.env, id).fetch(sessionDORequest(id, "/runtime", forwarded, { agentPath, wake: true }));
});

export default router;
