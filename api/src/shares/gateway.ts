import { ApiError } from "@burstflare/sdk/errors";
import { SHARE_PATH_PREFIX } from "@burstflare/sdk/schemas/shares";
import type { Context } from "hono";
import { apiTokenWorkspace } from "../auth/api-tokens-repo";
import type { AppBindings, AppEnv } from "../env";
import { wakeSleepingSession } from "../intent/wake";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { authenticate } from "../middleware/auth";
import { mintVisit, previewOriginFor } from "../preview/origin";
import { hardenPreviewResponse, isUpgrade } from "../preview/sandbox";
import { previewAgentPath } from "../preview/session-preview";
import { isTopLevelNavigation, previewShellPage } from "../preview/shell";
import { isLiveWorkspaceMember, liveVisitor } from "../preview/visit-access-repo";
import { withoutVisitCookies } from "../preview/visit-cookies";
import {
  shareGrantSubject,
  signVisitGrant,
  VISIT_GRANT_TTL_MS,
  type VisitHolder,
  verifyVisitGrant,
  visitHolder,
} from "../preview/visit-grants";
import { credentialOf, setPrincipal } from "../sessions/connections";
import { sanitizeForAgent } from "../sessions/runtime-access";
import { assertSafeQuery, type GatewayTarget, parseGatewayPath } from "../sessions/runtime-path";
import { sessionDORequest, sessionStub } from "../sessions/stub";
import { assertQuota } from "../workspaces/quotas";
import { type AccessEntry, logShareAccess } from "./access-log";
import { managesLinksOf } from "./manage";
import { type SharePage, sharePageResponse, wantsHTML } from "./pages";
import { findShareByTokenHash, type ShareWithSession } from "./shares-repo";
import { hashShareToken, parseCredential } from "./tokens";

/**
 * A share link's way to a session's preview. On the app origin, `/runtime/share/<token>/<path>`
 * only checks who may open it (the visitor's session cookie is there) and moves to a fresh visit's
 * own host of the session's preview, where the link (with a visit grant naming a scoped link's
 * viewer, bound to that host) rides in a host-only cookie. There it reaches the session DO's `/preview/<path>` and nothing else (the
 * agent path is built here, never taken from the client). Every request re-reads the link, so a
 * revoked or expired link, or one whose session was deleted, is refused on the very next
 * request, WebSocket upgrades included. Responses run in a CSP sandbox: the previewed app is the
 * sharer's code and must not act as the viewer anywhere.
 */

const WAKE_REFRESH_SECONDS = 2;

/** Where a share link opens: `<preview host>/__burstflare/share/<token>[.<grant>]/<path>` (api/src/preview/preview-host.ts). */
export const SHARE_ENTER_PREFIX = "/__burstflare/share/";

/** On the session's public host (`visit` null: the link handed out) or on one visit's own host. */
export function shareEnterURL(
  env: AppBindings,
  sessionId: string,
  credential: string,
  pathAndQuery: string,
  port: number | null = null,
  visit: string | null = null,
): string {
  return `${previewOriginFor(env, sessionId, port, visit)}${SHARE_ENTER_PREFIX}${credential}${pathAndQuery}`;
}

interface Viewer {
  userId: string;
  email: string;
  /** The viewer's sign-in or API token: the one they signed in with here, or the one their grant names. */
  holder?: VisitHolder;
}

/** The grant's viewer while the user exists and the sign-in or API token that asked for the grant stands. */
function viewerByGrant(env: AppBindings, holder: VisitHolder, at: number): Promise<Viewer | null> {
  return liveVisitor(dbOf(env), holder, at);
}

async function scopeAllows(env: AppBindings, share: ShareWithSession, viewer: Viewer | null): Promise<boolean> {
  if (share.scope === "anyone") return true;
  if (!viewer) return false;
  if (share.scope === "workspace") {
    // An API token acts in the one workspace it was made for, here as on every route.
    const credential = viewer.holder?.credential;
    const bound = credential?.kind === "api_token" ? await apiTokenWorkspace(dbOf(env), credential.id) : null;
    if (bound !== null && bound !== share.workspaceId) return false;
    return isLiveWorkspaceMember(dbOf(env), share.workspaceId, viewer.userId);
  }
  return share.emails.includes(viewer.email.toLowerCase());
}

/** Runs `work` after the response when the runtime allows it (a Worker request), else awaits it. */
async function afterResponse(c: Context<AppEnv>, work: Promise<unknown>): Promise<void> {
  const guarded = work.catch(() => {});
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    await guarded;
  }
}

const badPathPage = (message: string): SharePage => ({ code: "bad_request", reason: "bad_path", title: "Bad path", message });

/** 400 for a path that must not be routed; the owner's log names the attempt when the link is real. */
async function refuseBadPath(c: Context<AppEnv>, req: Request, pathname: string, at: number, message: string): Promise<Response> {
  const segment = pathname.slice(SHARE_PATH_PREFIX.length).split("/")[0] ?? "";
  const credential = segment.length <= 512 ? parseCredential(segment) : null;
  const share = credential ? await findShareByTokenHash(dbOf(c.env), await hashShareToken(credential.token)) : null;
  if (share) {
    await logShareAccess(c.env, {
      shareId: share.id,
      sessionId: share.sessionId,
      userId: null,
      email: null,
      method: req.method,
      path: pathname.slice(SHARE_PATH_PREFIX.length + segment.length).slice(0, 2048) || "/",
      websocket: isUpgrade(req),
      outcome: "refused",
      reason: "bad_path",
      ip: req.headers.get("cf-connecting-ip") ?? req.headers.get("x-forwarded-for"),
      userAgent: req.headers.get("user-agent"),
      at,
    });
  }
  return sharePageResponse(req, badPathPage(message));
}

/**
 * On the preview host (`onPreviewHost`) the credential comes from the visit cookie and the path is
 * the app's own; the link must belong to that host's session. On the app origin the link is only
 * checked (who may open it) and then moves to the preview host, which serves it.
 */
interface PreviewHostVisit {
  sessionId: string;
  credential: string;
  /** The port the host serves (null: the preview); a link to another port is not found here. */
  port: number | null;
  /** The visit whose host this is: a grant in the credential must have been minted for it. */
  visit: string;
}

export async function handleShareRequest(c: Context<AppEnv>, onPreviewHost?: PreviewHostVisit): Promise<Response> {
  const req = c.req.raw;
  const url = new URL(req.url);
  const at = now();
  // The app origin's URLs (plain link, sign-in) are absolute on the preview host.
  const appOrigin = onPreviewHost ? c.env.APP_ORIGIN : url.origin;
  const pathname = onPreviewHost ? `${SHARE_PATH_PREFIX}${onPreviewHost.credential}${url.pathname}` : url.pathname;
  // The raw path decides everything; one that would leave the preview once decoded or normalised
  // is refused before the link is even looked at (and logged for the owner when the link is real).
  let target: GatewayTarget;
  try {
    target = parseGatewayPath(pathname, SHARE_PATH_PREFIX);
    assertSafeQuery(url.search);
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== "bad_request") throw err;
    return refuseBadPath(c, req, pathname, at, err.message);
  }
  const credential = parseCredential(target.credential);
  const notFoundPage: SharePage = {
    code: "not_found",
    reason: "unknown_link",
    title: "This link does not exist",
    message: "Check that you copied the whole link.",
  };
  if (!credential) return sharePageResponse(req, notFoundPage);
  const share = await findShareByTokenHash(dbOf(c.env), await hashShareToken(credential.token));
  const wrongHost = onPreviewHost && (share?.sessionId !== onPreviewHost.sessionId || (share?.port ?? null) !== onPreviewHost.port);
  if (!share || wrongHost) return sharePageResponse(req, notFoundPage);

  const rest = target.rest === null ? null : target.rest.join("/");
  const websocket = isUpgrade(req);
  const navigation = req.method === "GET" && !websocket && wantsHTML(req);
  let viewer: Viewer | null = null;
  let admits = false;
  // The owner's log names only people the link names (its emails, or its workspace's members).
  // The app's cookie is SameSite=Lax: any site can navigate a signed-in person here, and naming
  // everyone who arrives would tell a link's owner who each visitor their site sent is.
  const named = (): Viewer | null => (admits && share.scope !== "anyone" ? viewer : null);
  const entry = (): AccessEntry => ({
    shareId: share.id,
    sessionId: share.sessionId,
    userId: named()?.userId ?? null,
    email: named()?.email ?? null,
    method: req.method,
    path: `/${rest ?? ""}${url.search}`,
    websocket,
    outcome: "allowed",
    reason: null,
    ip: req.headers.get("cf-connecting-ip") ?? req.headers.get("x-forwarded-for"),
    userAgent: req.headers.get("user-agent"),
    at,
  });
  const refuse = async (page: SharePage): Promise<Response> => {
    await logShareAccess(c.env, { ...entry(), outcome: "refused", reason: page.reason });
    return sharePageResponse(req, page);
  };

  // Who is asking, before any refusal, so the owner's log names the people the link names even when
  // it refuses them (revoked, expired). A grant is bound to the visit host it was minted for, so on
  // the app origin one is always stale.
  if (credential.grant) {
    const holder = onPreviewHost
      ? await verifyVisitGrant(c.env, "share", shareGrantSubject(share.id, onPreviewHost.visit), credential.grant, at)
      : null;
    const found = holder ? await viewerByGrant(c.env, holder, at) : null;
    viewer = found && holder ? { ...found, holder } : null;
  } else if (!onPreviewHost) {
    const auth = await authenticate(c);
    viewer = auth ? { userId: auth.userId, email: auth.email, holder: visitHolder(auth.userId, credentialOf(auth)) } : null;
  }
  admits = await scopeAllows(c.env, share, viewer);

  if (share.sessionDeletedAt !== null || share.sessionState === "deleted") {
    return refuse({ code: "gone", reason: "session_deleted", title: "This preview is gone", message: "Its session was deleted." });
  }
  if (share.revokedAt !== null) {
    return refuse({ code: "gone", reason: "revoked", title: "This link was revoked", message: "Ask its owner for a new one." });
  }
  if (share.expiresAt <= at) {
    return refuse({ code: "gone", reason: "expired", title: "This link has expired", message: "Ask its owner for a new one." });
  }
  // A link speaks for whoever made it: once they may no longer make it (left, removed, demoted to
  // viewer, or an admin demoted to member on another's session), it stops, or they would keep a way in.
  if (!managesLinksOf(share.createdBy, share.creatorRole, share.sessionOwnerId)) {
    return refuse({
      code: "gone",
      reason: "creator_left",
      title: "This link was withdrawn",
      message: "Its creator no longer shares from this workspace.",
    });
  }
  // Relative URLs in the previewed app resolve under the link only with the trailing slash.
  if (rest === null || target.rest === null) return Response.redirect(`${url.origin}${url.pathname}/${url.search}`, 308);

  const plainLink = `${SHARE_PATH_PREFIX}${credential.token}/${rest}${url.search}`;
  if (credential.grant && !viewer) {
    // A stale grant in the address bar: start over from the plain link (the cookie signs in again).
    if (navigation) return Response.redirect(`${appOrigin}${plainLink}`, 303);
    return refuse({ code: "unauthorized", reason: "grant_invalid", title: "Open the link again", message: "This visit has expired." });
  }

  if (!admits) {
    // Who the visitor is is known on the app origin only (its cookie never reaches a preview host).
    if (!viewer && onPreviewHost && navigation) return Response.redirect(`${appOrigin}${plainLink}`, 303);
    if (!viewer) {
      return refuse({
        code: "unauthorized",
        reason: "sign_in_required",
        title: "Sign in to see this preview",
        message:
          share.scope === "people"
            ? "This link is shared with named people. Sign in with an invited email, then open the link again."
            : "This link is shared with the members of a workspace. Sign in, then open the link again.",
        link: { href: `${onPreviewHost ? appOrigin : ""}/signin?next=${encodeURIComponent(plainLink)}`, text: "Sign in" },
      });
    }
    return refuse({
      code: "forbidden",
      reason: "not_invited",
      title: "This preview is not shared with you",
      message: `You are signed in as ${viewer.email}. Ask the owner to share it with you.`,
    });
  }

  // The app origin never serves the preview: the link opens on a fresh visit's own host of the
  // session's preview, with a grant naming the viewer for scoped links (the app's cookie is not
  // sent there), bound to that host. Each opening gets its own host, which no other preview the
  // visitor opens can name.
  if (!onPreviewHost) {
    if (websocket) throw new ApiError("not_found", "share links open on the preview host");
    const visit = mintVisit();
    let enter = credential.token;
    if (viewer?.holder && share.scope !== "anyone") {
      const expiresAt = Math.min(share.expiresAt, at + VISIT_GRANT_TTL_MS);
      const grant = await signVisitGrant(c.env, "share", shareGrantSubject(share.id, visit), viewer.holder, expiresAt);
      enter = `${credential.token}.${grant}`;
    }
    const target = shareEnterURL(c.env, share.sessionId, enter, `/${rest}${url.search}`, share.port ?? null, visit);
    return isTopLevelNavigation(req) ? previewShellPage(target) : Response.redirect(target, 303);
  }

  const state = share.sessionState;
  if (state === "stopped" || state === "failed" || state === "stopping") {
    return refuse({
      code: "invalid_state",
      reason: "session_stopped",
      title: "This preview is offline",
      message: "Its session is stopped. The owner has to start it again.",
    });
  }
  if (state !== "running" && navigation) {
    if (state === "sleeping" || state === "created") {
      try {
        await assertQuota(c.env, share.workspaceId, "runningSessions");
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        return refuse({
          code: "runtime_unavailable",
          reason: "owner_quota",
          title: "This preview is asleep",
          message: "Its owner has no room to run another session right now. Try again later.",
        });
      }
      await afterResponse(c, wakeSleepingSession(c.env, share.sessionId));
    }
    await logShareAccess(c.env, { ...entry(), reason: "waking" });
    return sharePageResponse(req, {
      code: "runtime_unavailable",
      reason: "waking",
      title: "Waking the preview up…",
      message: "The session was asleep. This page reloads by itself in a moment.",
      refreshSeconds: WAKE_REFRESH_SECONDS,
    });
  }

  await logShareAccess(c.env, entry());
  const forwarded = sanitizeForAgent(withoutVisitCookies(req), req.url);
  // Held by the link and, for a scoped link's viewer, by the credential their grant names: revoking
  // either ends the sockets opened here (api/src/sessions/connections.ts).
  setPrincipal(forwarded, {
    userId: viewer?.userId ?? null,
    credential: { kind: "share", id: share.id },
    ...(viewer?.holder ? { grantedBy: viewer.holder.credential } : {}),
    // A socket open when the link expires ends then (the agent's timer), as the next request would.
    expiresAt: share.expiresAt,
  });
  const agentPath = previewAgentPath(target.rest, url.search, share.port ?? null);
  const res = await sessionStub(c.env, share.sessionId).fetch(
    sessionDORequest(share.sessionId, "/runtime", forwarded, { agentPath, wake: true }),
  );
  return hardenPreviewResponse(res);
}
