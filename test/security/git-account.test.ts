import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, getSession, req, send, sessionAction, until } from "../stack/helpers/api";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * Dotfiles and the git token belong to the account, not to a workspace: dotfiles run in every
 * session the user owns, in every workspace, with that session's secrets and the git token. A
 * workspace-bound API token (CI of one workspace) must not plant them.
 */

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("account-wide git settings need a sign-in", () => {
  it("an API token bound to one workspace cannot set or clear dotfiles or the git token", async () => {
    const user = await createStackUser();
    const { token } = (await expectOK(await api(user, "POST /api/auth/tokens", { body: { name: "ci" } }))) as { token: string };
    const ci: StackUser = { ...user, token, headers: { authorization: `Bearer ${token}` } };
    for (const request of [
      req("POST /api/me/dotfiles", { body: { url: "https://attacker.example/dotfiles.git" } }),
      req("DELETE /api/me/dotfiles"),
      req("POST /api/me/git-credential", { body: { host: "github.com", token: "ghp_attackers_own_token" } }),
      req("DELETE /api/me/git-credential"),
    ]) {
      const res = await send(ci, request);
      expect(res.status, request.label).toBe(403);
      expect(await errorCode(res)).toBe("token_not_allowed");
    }
    expect(await expectOK(await api(user, "GET /api/me/dotfiles"))).toEqual({ dotfiles: null });
    expect(await expectOK(await api(user, "GET /api/me/git-credential"))).toEqual({ credential: null });
    // Reading is fine with the token; the signed-in user still sets them.
    await expectOK(await api(ci, "GET /api/me/dotfiles"));
    await expectOK(await api(user, "POST /api/me/dotfiles", { body: { url: "https://git.example/dotfiles.git" } }));
    await expectOK(await api(user, "DELETE /api/me/dotfiles"));
  });
});

describe("a member's git token stays with the workspaces they are in", () => {
  it("a workspace the owner of a session has left gets no more of their token when it starts that session again", async () => {
    const owner = await createStackUser();
    const leaver = await createStackUser({ workspaceId: owner.workspaceId, role: "member" });
    const secret = `ghp_leaver_${Date.now()}`;
    await expectOK(await api(leaver, "POST /api/me/git-credential", { body: { host: "github.com", username: "leaver", token: secret } }));
    const session = await createSession(leaver, { name: "left-behind" });
    const printenv = async (): Promise<string> => {
      const out = (await expectOK(
        await api(owner, "POST /api/sessions/{sessionId}/exec", {
          params: { sessionId: session.id },
          body: {
            argv: ["sh", "-c", "printenv BF_GIT_TOKEN GIT_CONFIG_KEY_0; true"],
          },
        }),
      )) as { stdout: string };
      return out.stdout;
    };
    // While they are a member, their session offers their token (docs/git.md: members see it too).
    expect(await printenv()).toContain(secret);

    await expectOK(await api(owner, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: leaver.userId } }));
    // The session stays in the workspace; the next start is the workspace's, not the leaver's.
    await sessionAction(owner, session.id, "restart");
    await until(async () => (await getSession(owner, session.id)).state === "running", "the restarted session", 60_000);
    const after = await printenv();
    expect(after).not.toContain(secret);
    expect(after).not.toContain("credential.");
  });
});
