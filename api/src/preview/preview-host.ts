import type { Context } from "hono";
import { ApiError } from "../../../sdk/errors";
import { SHARE_PATH_PREFIX } from "../../../sdk/schemas/shares";
import type { AppEnv } from "../env";
import { createRouter } from "../lib/app";
import { errorResponse, onError } from "../lib/errors";
import { now } from "../lib/time";
import { requestId } from "../middleware/request-id";
import { handleShareRequest, SHARE_ENTER_PREFIX } from "../shares/gateway";
import { parseCredential } from "../shares/tokens";
import { previewHostOf } from "./origin";
import { enterPreview, PREVIEW_ENTER_PATH, previewGrantMissing, safePreviewTarget, servePreview } from "./session-preview";
import { isTopLevelNavigation } from "./shell";
import { readVisitCookies, SHARE_VISIT_COOKIE, visitCookie } from "./visit-cookies";
import { verifyVisitGrant } from "./visit-grants";

/**
 * Everything a preview host (`<label>.preview.<domain>`) answers. Only preview traffic lives here:
 * no /api, no runtime routes, no SPA, no share pages but a link's own refusals. Paths under
 * `/__burstflare/` are ours (trading a grant or a share link for the visit cookie); every other
 * path is the previewed app's, reached with the visit cookie and checked on every request.
 */

const RESERVED_PREFIX = "/__burstflare/";

const seeOther = (location: string): Response =>
  new Response(null, { status: 303, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });

/** A share link's entry: its credential becomes the host's cookie; the gateway checks it on every request. */
function enterShare(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url);
  const after = url.pathname.slice(SHARE_ENTER_PREFIX.length);
  const slash = after.indexOf("/");
  const segment = slash < 0 ? after : after.slice(0, slash);
  if (!parseCredential(segment)) throw new ApiError("not_found", "no such link");
  const to = safePreviewTarget(`/${slash < 0 ? "" : after.slice(slash + 1)}${url.search}`);
  // A tab's own page is never the preview host: it goes to the app origin's viewer page, which
  // frames this host (api/src/preview/shell.ts), so the sandboxed app's requests carry the cookie.
  if (isTopLevelNavigation(c.req.raw)) return seeOther(`${c.env.APP_ORIGIN}${SHARE_PATH_PREFIX}${segment.split(".")[0]}${to}`);
  return new Response(null, {
    status: 303,
    headers: {
      location: to,
      "set-cookie": visitCookie(SHARE_VISIT_COOKIE, segment),
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });
}

async function handlePreviewHost(c: Context<AppEnv>): Promise<Response> {
  const req = c.req.raw;
  const url = new URL(req.url);
  const host = previewHostOf(c.env, url);
  const sessionId = host?.sessionId;
  const port = host?.port ?? null;
  if (!sessionId) throw new ApiError("not_found", "no such preview");
  if (url.pathname === PREVIEW_ENTER_PATH) {
    if (req.method !== "GET") throw new ApiError("not_found", "no such route");
    return enterPreview(c, sessionId, port);
  }
  if (url.pathname.startsWith(SHARE_ENTER_PREFIX)) {
    if (req.method !== "GET") throw new ApiError("not_found", "no such route");
    return enterShare(c);
  }
  if (url.pathname.startsWith(RESERVED_PREFIX)) throw new ApiError("not_found", "no such route");

  const cookies = readVisitCookies(req);
  const holder = cookies.grant ? await verifyVisitGrant(c.env, "preview", sessionId, cookies.grant, now()) : null;
  const share = cookies.share && parseCredential(cookies.share) ? cookies.share : null;
  const pathAndQuery = `${url.pathname}${url.search}`;
  if (share && !holder) {
    if (isTopLevelNavigation(req)) return seeOther(`${c.env.APP_ORIGIN}${SHARE_PATH_PREFIX}${share.split(".")[0]}${pathAndQuery}`);
    return handleShareRequest(c, { sessionId, credential: share, port });
  }
  if (holder && !isTopLevelNavigation(req)) return servePreview(c, sessionId, holder, port);
  // A tab's page (back to the owner route's viewer page) or no valid visit at all.
  return previewGrantMissing(c.env, req, sessionId, port);
}

/** The Worker's app for preview hosts; api/src/index.ts picks it by the request's host. */
export function buildPreviewHostApp() {
  const app = createRouter();
  app.use("*", requestId);
  app.onError(onError);
  app.notFound(() => errorResponse(new ApiError("not_found", "no such preview route")));
  app.all("*", handlePreviewHost);
  return app;
}
