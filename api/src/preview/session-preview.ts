import { ApiError } from "@burstflare/sdk/errors";
import { can } from "@burstflare/sdk/permissions";
import { pathProblem, queryProblem } from "@burstflare/sdk/protocol/runtime-path";
import { idSchema } from "@burstflare/sdk/schemas/common";
import type { Context } from "hono";
import type { AppBindings, AppEnv } from "../env";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { setPrincipal } from "../sessions/connections";
import { sanitizeForAgent } from "../sessions/runtime-access";
import { agentPathFor, assertSafeQuery, parseGatewayPath } from "../sessions/runtime-path";
import { sessionDORequest, sessionStub } from "../sessions/stub";
import { wantsHTML } from "../shares/pages";
import { mintVisit, previewOriginFor } from "./origin";
import { hardenPreviewResponse, isUpgrade } from "./sandbox";
import { isTopLevelNavigation, previewShellPage } from "./shell";
import { roleOnSession } from "./visit-access-repo";
import { PREVIEW_GRANT_COOKIE, visitCookie, withoutVisitCookies } from "./visit-cookies";
import { previewGrantSubject, signVisitGrant, VISIT_GRANT_TTL_MS, type VisitHolder, verifyVisitGrant } from "./visit-grants";

/**
 * The session's own preview for its workspace's members, isolated like a share link.
 *
 * `/runtime/sessions/:sessionId/preview/<path>` (cookie or bearer, role and workspace checked by the
 * runtime route) never serves the app: it redirects to a fresh visit's own host of the session's
 * preview (api/src/preview/origin.ts) with a signed grant bound to that host, which the host trades for its own cookie
 * before the app runs at `/<path>` in the CSP sandbox. The app's cookies are never sent there.
 * The grant is only ever a key to this session's preview (the agent path is built here), and
 * the user's membership and role, and that the sign-in or API token that asked for the grant still
 * stands, are re-read on every request, WebSocket upgrades included.
 */

/** Where a grant is traded for the visit cookie on a preview host; the app never sees this path. */
export const PREVIEW_ENTER_PATH = "/__burstflare/enter";
/** Grant paths on the app origin (`/runtime/preview/<id>.<grant>/…`): a redirect or 404, never preview content. */
export const PREVIEW_GRANT_PATH_PREFIX = "/runtime/preview/";
const SESSION_PREVIEW_PATH = (sessionId: string) => `/runtime/sessions/${sessionId}/preview`;

const REDIRECT_HEADERS = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

function redirect(location: string, status: 303 | 307 | 308, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: { location, ...REDIRECT_HEADERS, ...headers } });
}

/** `/x?y` when `to` is a path on the preview host that may be routed; `/` otherwise. */
export function safePreviewTarget(to: string | null): string {
  if (!to?.startsWith("/") || to.startsWith("//")) return "/";
  const q = to.indexOf("?");
  const path = q < 0 ? to : to.slice(0, q);
  if (pathProblem(path) || (q >= 0 && queryProblem(to.slice(q)))) return "/";
  return to;
}

/** The app-origin URL that grants anew from the session cookie: where stale grants go back to. */
function ownerRouteURL(env: AppBindings, sessionId: string, pathAndQuery: string): string {
  return `${env.APP_ORIGIN}${SESSION_PREVIEW_PATH(sessionId)}${pathAndQuery}`;
}

/**
 * `https://<label>[-<port>]-v<visit>.preview…/__burstflare/enter?grant=…&to=/<path>`: a fresh
 * grant for `holder` on a host of its own, minted here and bound into the grant, so no other
 * preview the same browser opens can name the host where this visit's cookie lives.
 */
export async function previewEnterURL(
  env: AppBindings,
  sessionId: string,
  holder: VisitHolder,
  to: string,
  expiresAt = now() + VISIT_GRANT_TTL_MS,
  port: number | null = null,
): Promise<string> {
  const visit = mintVisit();
  const grant = await signVisitGrant(env, "preview", previewGrantSubject(sessionId, port, visit), holder, expiresAt);
  return `${previewOriginFor(env, sessionId, port, visit)}${PREVIEW_ENTER_PATH}?${new URLSearchParams({ grant, to: safePreviewTarget(to) })}`;
}

/**
 * The answer to an authorised request on the owner route: the same path and query on the preview
 * host, framed by the viewer page when it is a tab's page (api/src/preview/shell.ts).
 */
export async function previewGrantRedirect(env: AppBindings, req: Request, sessionId: string, holder: VisitHolder): Promise<Response> {
  const url = new URL(req.url);
  // The raw path after /preview, as the browser sent it: /runtime/sessions/<id>/preview[/<rest>].
  const segments = url.pathname.split("/");
  const rest = segments.length > 5 ? segments.slice(5).join("/") : "";
  const enter = await previewEnterURL(env, sessionId, holder, `/${rest}${url.search}`);
  return isTopLevelNavigation(req) ? previewShellPage(enter) : redirect(enter, 303);
}

async function assertMayPreview(env: AppBindings, sessionId: string, holder: VisitHolder): Promise<void> {
  const row = await roleOnSession(dbOf(env), sessionId, holder, now());
  if (!row) throw new ApiError("not_found", "session not found");
  if (!row.live) throw new ApiError("unauthorized", "the sign-in or API token that opened this preview was revoked; open it again");
  if (!can(row.role, "runtime.access")) throw new ApiError("forbidden", `your role (${row.role}) cannot use runtimes`);
}

const isNavigation = (req: Request): boolean => req.method === "GET" && !isUpgrade(req) && wantsHTML(req);

/** Without a valid grant: a page goes back to the owner route (which grants anew), anything else is 404. */
export function previewGrantMissing(env: AppBindings, req: Request, sessionId: string, port: number | null = null): Response {
  const url = new URL(req.url);
  // A port's host has no owner route to grant anew from: the workbench's ports panel opens it again.
  if (port !== null) throw new ApiError("not_found", "no visit to this port; open it again from the ports panel");
  if (isNavigation(req)) return redirect(ownerRouteURL(env, sessionId, `${url.pathname}${url.search}`), 303);
  // Without a visit nothing on a preview host is anyone's to see, not even whether a path exists.
  throw new ApiError("not_found", "no such preview route; open the preview from the app again");
}

/**
 * `GET <visit host>/__burstflare/enter?grant=&to=`: the grant becomes the host's cookie, then the
 * app at `to`. A grant is good only on the visit's host it was minted with (never the public host).
 */
export async function enterPreview(c: Context<AppEnv>, sessionId: string, port: number | null, visit: string | null): Promise<Response> {
  const url = new URL(c.req.url);
  const to = safePreviewTarget(url.searchParams.get("to"));
  const grant = url.searchParams.get("grant") ?? "";
  const holder = visit === null ? null : await verifyPreviewGrant(c.env, sessionId, port, visit, grant);
  if (!holder) {
    if (isNavigation(c.req.raw) && port === null) return redirect(ownerRouteURL(c.env, sessionId, to), 303);
    throw new ApiError("unauthorized", "this preview link has expired or is not valid; open the preview again");
  }
  await assertMayPreview(c.env, sessionId, holder);
  return redirect(to, 303, { "set-cookie": visitCookie(PREVIEW_GRANT_COOKIE, grant) });
}

/** Who a preview grant (or the visit cookie it became) names, on the visit's own host only. */
export function verifyPreviewGrant(
  env: AppBindings,
  sessionId: string,
  port: number | null,
  visit: string,
  grant: string,
): Promise<VisitHolder | null> {
  return verifyVisitGrant(env, "preview", previewGrantSubject(sessionId, port, visit), grant, now());
}

/** The agent path of a preview request: `/preview/<rest>`, or `/port/<n>/<rest>` on a port's own host. */
export function previewAgentPath(rest: readonly string[], search: string, port: number | null): string {
  const path = agentPathFor("preview", rest, search);
  return port === null ? path : `/port/${port}${path.slice("/preview".length)}`;
}

/** Any other request on the preview host of a member holding a valid grant: HTTP and WebSocket to the preview. */
export async function servePreview(
  c: Context<AppEnv>,
  sessionId: string,
  holder: VisitHolder,
  port: number | null = null,
): Promise<Response> {
  const req = c.req.raw;
  const url = new URL(req.url);
  // Routed on the raw path: a segment that would leave the preview once decoded is refused (400) first.
  const problem = pathProblem(url.pathname);
  if (problem) throw new ApiError("bad_request", `${problem}; preview paths are routed as sent`);
  assertSafeQuery(url.search);
  await assertMayPreview(c.env, sessionId, holder);

  const forwarded = sanitizeForAgent(withoutVisitCookies(req), req.url);
  // Named by the credential that minted the grant, so revoking that credential ends the sockets too.
  setPrincipal(forwarded, { userId: holder.userId, credential: holder.credential });
  const agentPath = previewAgentPath(url.pathname.slice(1).split("/"), url.search, port);
  const res = await sessionStub(c.env, sessionId).fetch(sessionDORequest(sessionId, "/runtime", forwarded, { agentPath, wake: true }));
  return hardenPreviewResponse(res);
}

/**
 * `/runtime/preview/<sessionId>.<grant>/<path>` on the app origin serves nothing any more: a page
 * goes to the owner route (which grants anew and moves to the preview host), anything else is 404.
 */
export async function handleLegacyPreviewPath(c: Context<AppEnv>): Promise<Response> {
  const req = c.req.raw;
  const url = new URL(req.url);
  const target = parseGatewayPath(url.pathname, PREVIEW_GRANT_PATH_PREFIX);
  assertSafeQuery(url.search);
  const dot = target.credential.indexOf(".");
  const sessionId = target.credential.slice(0, Math.max(dot, 0));
  if (dot < 0 || !idSchema.safeParse(sessionId).success || !isNavigation(req)) throw new ApiError("not_found", "no such preview");
  return redirect(`${SESSION_PREVIEW_PATH(sessionId)}/${(target.rest ?? []).join("/")}${url.search}`, 303);
}
