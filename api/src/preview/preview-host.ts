import { ApiError } from "@burstflare/sdk/errors";
import { SHARE_PATH_PREFIX } from "@burstflare/sdk/schemas/shares";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { createRouter } from "../lib/app";
import { errorResponse, onError } from "../lib/errors";
import { requestId } from "../middleware/request-id";
import { handleShareRequest, SHARE_ENTER_PREFIX } from "../shares/gateway";
import { parseCredential } from "../shares/tokens";
import { mintVisit, previewHostOf, previewOriginFor } from "./origin";
import {
  enterPreview,
  PREVIEW_ENTER_PATH,
  previewGrantMissing,
  safePreviewTarget,
  servePreview,
  verifyPreviewGrant,
} from "./session-preview";
import { isTopLevelNavigation } from "./shell";
import { readVisitCookies, SHARE_VISIT_COOKIE, visitCookie } from "./visit-cookies";

/**
 * Everything a preview host (`<label>[-<port>][-v<visit>].preview.<domain>`) answers. Only preview
 * traffic lives here: no /api, no runtime routes, no SPA, no share pages but a link's own
 * refusals. Paths under `/__burstflare/` are ours (trading a grant or a share link for the visit
 * cookie); every other path is the previewed app's, reached with the visit cookie and checked on
 * every request. Cookies count only on a visit's own host (`-v<visit>`), minted per grant and per
 * share entry: the session's public host, which any link of the session shows, holds no visit.
 */

const RESERVED_PREFIX = "/__burstflare/";

const seeOther = (location: string): Response =>
  new Response(null, { status: 303, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });

/**
 * A share link's entry: its credential becomes the host's cookie; the gateway checks it on every
 * request. The link itself is public to its recipients, so on the session's public host it first
 * moves to a fresh visit's host: one visitor's cookie lives where the link's other recipients (and
 * their previews) cannot send requests. A grant in the segment was bound to another host (or none)
 * and is dropped; a scoped link without one goes back to the app origin to sign the viewer in.
 */
function enterShare(c: Context<AppEnv>, sessionId: string, port: number | null, visit: string | null): Response {
  const url = new URL(c.req.url);
  const after = url.pathname.slice(SHARE_ENTER_PREFIX.length);
  const slash = after.indexOf("/");
  const segment = slash < 0 ? after : after.slice(0, slash);
  if (!parseCredential(segment)) throw new ApiError("not_found", "no such link");
  const to = safePreviewTarget(`/${slash < 0 ? "" : after.slice(slash + 1)}${url.search}`);
  // A tab's own page is never the preview host: it goes to the app origin's viewer page, which
  // frames this host (api/src/preview/shell.ts), so the sandboxed app's requests carry the cookie.
  const token = segment.split(".")[0] ?? "";
  if (isTopLevelNavigation(c.req.raw)) return seeOther(`${c.env.APP_ORIGIN}${SHARE_PATH_PREFIX}${token}${to}`);
  if (visit === null) return seeOther(`${previewOriginFor(c.env, sessionId, port, mintVisit())}${SHARE_ENTER_PREFIX}${token}${to}`);
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
  const visit = host?.visit ?? null;
  if (!sessionId) throw new ApiError("not_found", "no such preview");
  if (url.pathname === PREVIEW_ENTER_PATH) {
    if (req.method !== "GET") throw new ApiError("not_found", "no such route");
    return enterPreview(c, sessionId, port, visit);
  }
  if (url.pathname.startsWith(SHARE_ENTER_PREFIX)) {
    if (req.method !== "GET") throw new ApiError("not_found", "no such route");
    return enterShare(c, sessionId, port, visit);
  }
  if (url.pathname.startsWith(RESERVED_PREFIX)) throw new ApiError("not_found", "no such route");

  // The public host holds no visit: whatever cookie reaches it (another preview's request, one set
  // before visits had hosts of their own) is ignored.
  const cookies = visit === null ? { grant: null, share: null } : readVisitCookies(req);
  const holder = cookies.grant && visit !== null ? await verifyPreviewGrant(c.env, sessionId, port, visit, cookies.grant) : null;
  const share = cookies.share && parseCredential(cookies.share) ? cookies.share : null;
  const pathAndQuery = `${url.pathname}${url.search}`;
  if (share && !holder && visit !== null) {
    if (isTopLevelNavigation(req)) return seeOther(`${c.env.APP_ORIGIN}${SHARE_PATH_PREFIX}${share.split(".")[0]}${pathAndQuery}`);
    return handleShareRequest(c, { sessionId, credential: share, port, visit });
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
