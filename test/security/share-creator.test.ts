import { createShareResponse } from "@burstflare/sdk/schemas/shares";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { api, createSession, expectOK } from "../stack/helpers/api";
import { get, mustVisitShare } from "../stack/helpers/preview-host";
import { sessionWithPreviewServer } from "../stack/helpers/preview-server";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * A share link speaks for the member who made it. Removing a member ends their terminals, exec
 * and processes (docs/security.md §5); the links they made must not stay behind as their way into
 * the workspace's sessions (a port link can reach anything that listens in the session).
 */

const reasonOf = async (res: Response) => ((await res.json()) as { error: { details?: { reason?: string } } }).error.details?.reason;

async function shareOf(user: StackUser, sessionId: string, body: Record<string, unknown>) {
  const res = await api(user, "POST /api/sessions/{sessionId}/shares", {
    params: { sessionId },
    body: { scope: "anyone", expiresInSeconds: 3600, ...body },
  });
  return createShareResponse.parse(await expectOK(res, 201));
}

describe("share links of a member who is gone", () => {
  it("stop working on the app origin and on the preview host (port links too) once their creator is removed", async () => {
    const owner = await createStackUser();
    const leaver = await createStackUser({ workspaceId: owner.workspaceId, role: "member" });
    const session = await createSession(leaver, { name: "leaver-links" });
    const preview = await shareOf(leaver, session.id, {});
    const port = await shareOf(leaver, session.id, { port: 4999 });
    // The owner's own link to the same session is unaffected by the member leaving.
    const kept = await shareOf(owner, session.id, {});

    // Before: anyone holding the links reaches the session's ports (the starter's preview answers;
    // nothing listens on 4999, so the agent's 502).
    const previewVisit = await mustVisitShare(preview.path);
    const portVisit = await mustVisitShare(port.path);
    expect((await previewVisit.get("/")).status).toBe(200);
    expect((await portVisit.get("/")).status).toBe(502);

    await expectOK(await api(owner, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: leaver.userId } }));

    for (const [what, res] of [
      ["app-origin preview link", await get(preview.path)],
      ["app-origin port link", await get(port.path)],
      ["preview host with the link's cookie", await previewVisit.get("/")],
      ["port host with the link's cookie", await portVisit.get("/")],
    ] as const) {
      expect(res.status, what).toBe(410);
      expect(await reasonOf(res), what).toBe("creator_left");
    }
    expect((await (await mustVisitShare(kept.path)).get("/")).status).toBe(200);
  });
});

/** A WebSocket to the previewed app through a share link, open once the app said hello. */
async function linkSocket(path: string): Promise<WebSocket> {
  const visit = await mustVisitShare(path);
  const socket = new WebSocket(`${visit.origin.replace(/^http/, "ws")}/live`, { headers: { cookie: visit.cookie } });
  await new Promise((resolve, reject) => {
    socket.once("message", resolve);
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once("error", reject);
  });
  return socket;
}

describe("open sockets of a member's links", () => {
  it("close within 5 s when the member who made them is removed; the owner's link stays open", async () => {
    const owner = await createStackUser();
    // An admin shares the owner's session (whose app the owner runs, so it outlives the admin's work).
    const leaver = await createStackUser({ workspaceId: owner.workspaceId, role: "admin" });
    const sessionId = await sessionWithPreviewServer(owner, "leaver-socket");
    const theirs = await linkSocket((await shareOf(leaver, sessionId, {})).path);
    const ours = await linkSocket((await shareOf(owner, sessionId, {})).path);
    const closed = new Promise<number>((resolve) => theirs.once("close", () => resolve(performance.now())));

    const t0 = performance.now();
    await expectOK(await api(owner, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: leaver.userId } }));
    const at = await Promise.race([closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    expect(at, "the removed member's link socket was still open after 5 s").not.toBeNull();
    expect((at ?? Number.POSITIVE_INFINITY) - t0).toBeLessThan(5000);
    expect(ours.readyState).toBe(WebSocket.OPEN);
    ours.close();
  });
});

describe("share links of an admin demoted to member", () => {
  it("stop on others' sessions (open sockets close within 5 s) and keep working on the member's own session", async () => {
    const owner = await createStackUser();
    const admin = await createStackUser({ workspaceId: owner.workspaceId, role: "admin" });
    const ownersSession = await sessionWithPreviewServer(owner, "demoted-admin-others");
    const ownSession = await createSession(admin, { name: "demoted-admin-own" });
    const onOthers = await shareOf(admin, ownersSession, {});
    const onOwn = await shareOf(admin, ownSession.id, {});
    const socket = await linkSocket(onOthers.path);
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now())));

    const t0 = performance.now();
    await expectOK(
      await api(owner, "PATCH /api/workspaces/current/members/{userId}", { params: { userId: admin.userId }, body: { role: "member" } }),
    );
    const at = await Promise.race([closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    expect(at, "the demoted admin's link socket was still open after 5 s").not.toBeNull();
    expect((at ?? Number.POSITIVE_INFINITY) - t0).toBeLessThan(5000);

    // A member may not make links of another's session, so the one the admin made no longer speaks for them.
    const refused = await get(onOthers.path);
    expect(refused.status).toBe(410);
    expect(await reasonOf(refused)).toBe("creator_left");
    // A member still makes links of their own sessions: that one is untouched.
    expect((await (await mustVisitShare(onOwn.path)).get("/")).status).toBe(200);
  });
});
