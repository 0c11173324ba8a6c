import { ApiError } from "@burstflare/sdk/errors";
import { createShareBody, createShareResponse, SHARE_PATH_PREFIX, shareListResponse, shareResponse } from "@burstflare/sdk/schemas/shares";
import { audit } from "../../lib/audit";
import { boundRefusal } from "../../lib/bounded-rows-repo";
import { newId } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { now } from "../../lib/time";
import { closeConnectionsAfter } from "../../sessions/connections";
import { pathSession } from "../../sessions/routes/path-session";
import { handleShareRequest, shareEnterURL } from "../gateway";
import { assertCanManageShares, requireShare } from "../manage";
import { insertShare, listShares, revokeShare, SHARE_BOUNDS, toShare } from "../shares-repo";
import { hashShareToken, newShareToken } from "../tokens";

/** Preview share links of a session and the gateway they open: `/runtime/share/<token>/…`. */
const { router, route } = apiRouter(["shares"]);

route.post("/api/sessions/{sessionId}/shares", permitted("shares.manage"), {
  summary: "Create a link to the session's preview for named people, the workspace or anyone, with an expiry",
  description: `At most ${SHARE_BOUNDS.maxLive} live links per session (403 \`quota_exceeded\`); making one removes the session's ended links beyond the newest ${SHARE_BOUNDS.keepEnded}.`,
  request: jsonBody(createShareBody),
  responses: { 201: jsonResponse(createShareResponse, "Created; the link is shown only now") },
  handler: async (c, { body }) => {
    const { auth, id, row: session } = await pathSession(c);
    assertCanManageShares(auth, session);
    const emails = [...new Set(body.emails ?? [])];
    if (body.scope === "people" && emails.length === 0) {
      throw new ApiError("validation_failed", "a link for named people needs at least one email");
    }
    if (body.scope !== "people" && emails.length > 0) {
      throw new ApiError("validation_failed", `emails are only for scope people, not ${body.scope}`);
    }
    const token = newShareToken();
    const at = now();
    const shareId = newId("shr");
    const db = dbOf(c.env);
    const inserted = await insertShare(db, {
      id: shareId,
      sessionId: id,
      workspaceId: auth.workspaceId,
      createdBy: auth.userId,
      scope: body.scope,
      emails,
      label: body.label || null,
      tokenHash: await hashShareToken(token),
      expiresAt: at + body.expiresInSeconds * 1000,
      at,
      port: body.port ?? null,
    });
    if (!inserted) {
      const refusal = { limit: "liveShareLinks", what: "live share links per session", hint: "revoke one first" };
      throw await boundRefusal(db, SHARE_BOUNDS, id, at, refusal);
    }
    await audit(c, {
      action: "share.create",
      targetType: "share",
      targetId: shareId,
      details: { sessionId: id, scope: body.scope, emails, expiresInSeconds: body.expiresInSeconds, port: body.port ?? null },
    });
    // The link opens on the session's preview host; `path` is its app-origin form, which leads there.
    const path = `${SHARE_PATH_PREFIX}${token}/`;
    const share = toShare(await requireShare(c.env, id, shareId), now());
    return c.json({ share, path, url: shareEnterURL(c.env, id, token, "/", body.port ?? null) }, 201);
  },
});

route.get("/api/sessions/{sessionId}/shares", permitted("shares.manage"), {
  summary: "The session's share links, newest first (active, expired and revoked; the live ones and the newest ended ones)",
  responses: { 200: jsonResponse(shareListResponse) },
  handler: async (c) => {
    const { auth, id, row: session } = await pathSession(c);
    assertCanManageShares(auth, session);
    const at = now();
    return c.json({ shares: (await listShares(dbOf(c.env), id)).map((r) => toShare(r, at)) }, 200);
  },
});

route.delete("/api/sessions/{sessionId}/shares/{shareId}", permitted("shares.manage"), {
  summary: "Revoke a share link; the next request with it is refused, WebSocket upgrades included",
  responses: { 200: jsonResponse(shareResponse) },
  handler: async (c, { params: { shareId } }) => {
    const { auth, id, row: session } = await pathSession(c);
    assertCanManageShares(auth, session);
    const row = await requireShare(c.env, id, shareId);
    if (row.revokedAt === null) {
      await revokeShare(dbOf(c.env), shareId, auth.userId, now());
      await audit(c, { action: "share.revoke", targetType: "share", targetId: shareId, details: { sessionId: id } });
      await closeConnectionsAfter(c, { sessionId: id }, { credential: { kind: "share", id: shareId } });
    }
    return c.json({ share: toShare(await requireShare(c.env, id, shareId), now()) }, 200);
  },
});

// Not in the OpenAPI document: the previewed app's own HTTP and WebSocket traffic.
router.all(`${SHARE_PATH_PREFIX}:credential`, (c) => handleShareRequest(c));
router.all(`${SHARE_PATH_PREFIX}:credential/*`, (c) => handleShareRequest(c));

export default router;
