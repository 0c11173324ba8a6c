import type { Context } from "hono";
import { ApiError } from "../../../sdk/errors";
import { can } from "../../../sdk/permissions";
import { idSchema } from "../../../sdk/schemas/common";
import type { Role } from "../../../sdk/states";
import type { AppBindings, AppEnv } from "../env";
import { now } from "../lib/time";
import { sanitizeForAgent } from "../sessions/runtime-access";
import { sessionDORequest, sessionStub } from "../sessions/stub";
import { wantsHTML } from "../shares/pages";
import { hardenPreviewResponse, isSafePreviewPath, isUpgrade } from "./sandbox";
import { signVisitGrant, VISIT_GRANT_TTL_MS, verifyVisitGrant } from "./visit-grants";

/**
 * The session's own preview for its workspace's members, isolated like a share link.
 *
 * `/runtime/sessions/:id/preview/<path>` (cookie or bearer, role and workspace checked by the
 * runtime route) never serves the app: it redirects to `/runtime/preview/<sessionId>.<grant>/<path>`,
 * where the app runs in the CSP sandbox. The sandboxed document has an opaque origin, so its own
 * requests carry no session cookie; the grant in the path names the user instead. Relative URLs
 * resolve under the grant prefix; root-relative ones leave the preview, as they always did.
 * The grant is only ever a key to this session's preview (the agent path is built here), and
 * the user's membership and role are re-read on every request, WebSocket upgrades included.
 */

export const PREVIEW_GRANT_PATH_PREFIX = "/runtime/preview/";
const SESSION_PREVIEW_PATH = (sessionId: string) => `/runtime/sessions/${sessionId}/preview`;

const REDIRECT_HEADERS = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

/** Same-origin redirects carry a path only: right behind any proxy that rewrites the host. */
function redirect(location: string, status: 303 | 307 | 308): Response {
  return new Response(null, { status, headers: { location, ...REDIRECT_HEADERS } });
}

/**
 * The answer to an authorised request on the owner route: the same path and query under a fresh
 * grant. 307 keeps the method and body (a form the app posted before it was sandboxed).
 */
export async function previewGrantRedirect(env: AppBindings, req: Request, sessionId: string, userId: string): Promise<Response> {
  const url = new URL(req.url);
  // The raw path after /preview, as the browser sent it: /runtime/sessions/<id>/preview[/<rest>].
  const segments = url.pathname.split("/");
  const rest = segments.length > 5 ? segments.slice(5).join("/") : "";
  const grant = await signVisitGrant(env, "preview", sessionId, userId, now() + VISIT_GRANT_TTL_MS);
  return redirect(`${PREVIEW_GRANT_PATH_PREFIX}${sessionId}.${grant}/${rest}${url.search}`, 307);
}

/** The user's role in the live session's workspace; null when the session or the membership is gone. */
async function roleOnSession(env: AppBindings, sessionId: string, userId: string): Promise<Role | null> {
  const row = await env.DB.prepare(
    `SELECT m.role FROM sessions s
     JOIN workspaces w ON w.id = s.workspace_id AND w.deleted_at IS NULL
     JOIN memberships m ON m.workspace_id = s.workspace_id AND m.user_id = ?
     JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
     WHERE s.id = ? AND s.deleted_at IS NULL`,
  )
    .bind(userId, sessionId)
    .first<{ role: Role }>();
  return row?.role ?? null;
}

/** `/runtime/preview/<sessionId>.<grant>[/<path>]`: HTTP and WebSocket to the session's preview, no cookie needed. */
export async function handleSessionPreviewRequest(c: Context<AppEnv>): Promise<Response> {
  const req = c.req.raw;
  const url = new URL(req.url);
  const after = url.pathname.slice(PREVIEW_GRANT_PATH_PREFIX.length);
  const slash = after.indexOf("/");
  const credential = slash < 0 ? after : after.slice(0, slash);
  const dot = credential.indexOf(".");
  const sessionId = credential.slice(0, Math.max(dot, 0));
  if (dot < 0 || !idSchema.safeParse(sessionId).success) throw new ApiError("not_found", "no such preview");
  const rest = slash < 0 ? null : after.slice(slash + 1);

  const userId = await verifyVisitGrant(c.env, "preview", sessionId, credential.slice(dot + 1), now());
  if (!userId) {
    // A stale grant in the address bar: the owner route signs in again (cookie) and grants anew.
    if (req.method === "GET" && !isUpgrade(req) && wantsHTML(req)) {
      return redirect(`${SESSION_PREVIEW_PATH(sessionId)}/${rest ?? ""}${url.search}`, 303);
    }
    throw new ApiError("unauthorized", "this preview link has expired or is not valid; open the preview again");
  }
  const role = await roleOnSession(c.env, sessionId, userId);
  if (!role) throw new ApiError("not_found", "session not found");
  if (!can(role, "runtime.access")) throw new ApiError("forbidden", `your role (${role}) cannot use runtimes`);

  // Relative URLs in the previewed app resolve under the grant only with the trailing slash.
  if (rest === null) return redirect(`${url.pathname}/${url.search}`, 308);
  if (!isSafePreviewPath(rest)) throw new ApiError("bad_request", "the path must stay inside the preview");

  const forwarded = sanitizeForAgent(req, req.url);
  const agentPath = `/preview/${rest}${url.search}`;
  const res = await sessionStub(c.env, sessionId).fetch(sessionDORequest(sessionId, "/runtime", forwarded, { agentPath, wake: true }));
  return hardenPreviewResponse(res);
}
