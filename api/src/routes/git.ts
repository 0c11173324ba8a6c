import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../../sdk/errors";
import { idSchema } from "../../../sdk/schemas/common";
import { gitCredentialResponse, gitSourceSchema, setGitCredentialBody } from "../../../sdk/schemas/git";
import { runClone } from "../git/clone";
import { deleteGitCredential, getGitCredential, setGitCredential } from "../git/credentials";
import { createRouter } from "../lib/app";
import { audit } from "../lib/audit";
import { errorResponses, jsonBody, jsonResponse } from "../lib/openapi";
import { requireAuth, requirePermission } from "../middleware/auth";
import { requireSessionRow, sessionConfig } from "../sessions/records";
import { runningAgent } from "../snapshots/agent";

/** The user's git token (stored sealed, never answered) and cloning a session's repository again. */
const router = createRouter();
const tags = ["git"];

router.openapi(
  createRoute({
    method: "get",
    path: "/api/me/git-credential",
    tags,
    summary: "Which git host your stored token is offered to (never the token)",
    middleware: [requireAuth] as const,
    responses: { 200: jsonResponse(gitCredentialResponse), ...errorResponses },
  }),
  async (c) => c.json({ credential: await getGitCredential(c.env, c.get("auth").userId) }, 200),
);

router.openapi(
  createRoute({
    method: "post",
    path: "/api/me/git-credential",
    tags,
    summary: "Store your git token for one host, sealed; your sessions offer it to git through a credential helper",
    middleware: [requireAuth] as const,
    request: jsonBody(setGitCredentialBody),
    responses: { 200: jsonResponse(gitCredentialResponse), ...errorResponses },
  }),
  async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    const credential = await setGitCredential(c.env, auth.userId, { host: body.host, username: body.username, token: body.token });
    await audit(c, { action: "git_credential.set", targetType: "user", targetId: auth.userId, details: { host: body.host } });
    return c.json({ credential }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/api/me/git-credential",
    tags,
    summary: "Forget your git token (sessions started from now on no longer offer it)",
    middleware: [requireAuth] as const,
    responses: { 200: jsonResponse(gitCredentialResponse), ...errorResponses },
  }),
  async (c) => {
    const auth = c.get("auth");
    if (await deleteGitCredential(c.env, auth.userId)) {
      await audit(c, { action: "git_credential.delete", targetType: "user", targetId: auth.userId });
    }
    return c.json({ credential: null }, 200);
  },
);

const cloneResult = z.object({ ok: z.boolean(), dir: z.string(), output: z.string() });

router.openapi(
  createRoute({
    method: "post",
    path: "/api/sessions/{id}/git/clone",
    tags,
    summary: "Clone the session's repository now (after a failed first clone, or another one), in the running session",
    middleware: [requireAuth, requirePermission("runtime.access")] as const,
    request: { params: z.object({ id: idSchema }), ...jsonBody(z.object({ git: gitSourceSchema.optional() })) },
    responses: { 200: jsonResponse(cloneResult), ...errorResponses, 409: errorResponses[400] },
  }),
  async (c) => {
    const auth = c.get("auth");
    const row = await requireSessionRow(c.env, auth.workspaceId, c.req.valid("param").id);
    const source = c.req.valid("json").git ?? sessionConfig(row).manifest.git;
    if (!source) throw new ApiError("validation_failed", "this session has no repository; pass git: {url, ref}");
    if (row.state !== "running") throw new ApiError("invalid_state", `session is ${row.state}; start it first`);
    const result = await runClone(runningAgent(c.env, row.id), source, () => {});
    return c.json(result, 200);
  },
);

export default router;
