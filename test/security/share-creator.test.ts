import { describe, expect, it } from "vitest";
import { createShareResponse } from "../../sdk/schemas/shares";
import { api, createSession, expectOK } from "../stack/helpers/api";
import { get, mustVisitShare } from "../stack/helpers/preview-host";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * A share link speaks for the member who made it. Removing a member ends their terminals, exec
 * and processes (docs/security.md §5); the links they made must not stay behind as their way into
 * the workspace's sessions (a port link can reach anything that listens in the session).
 */

const reasonOf = async (res: Response) => ((await res.json()) as { error: { details?: { reason?: string } } }).error.details?.reason;

async function shareOf(user: StackUser, sessionId: string, body: Record<string, unknown>) {
  const res = await api(user, "POST", `/api/sessions/${sessionId}/shares`, { scope: "anyone", expiresInSeconds: 3600, ...body });
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

    await expectOK(await api(owner, "DELETE", `/api/workspaces/current/members/${leaver.userId}`));

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
