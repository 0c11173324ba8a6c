import { describe, expect, it } from "vitest";
import { api, expectOK } from "../stack/helpers/api";
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
    const { token } = (await expectOK(await api(user, "POST", "/api/auth/tokens", { name: "ci" }))) as { token: string };
    const ci: StackUser = { ...user, token, headers: { authorization: `Bearer ${token}` } };
    for (const [method, path, body] of [
      ["POST", "/api/me/dotfiles", { url: "https://attacker.example/dotfiles.git" }],
      ["DELETE", "/api/me/dotfiles", undefined],
      ["POST", "/api/me/git-credential", { host: "github.com", token: "ghp_attackers_own_token" }],
      ["DELETE", "/api/me/git-credential", undefined],
    ] as const) {
      const res = await api(ci, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await errorCode(res)).toBe("token_not_allowed");
    }
    expect(await expectOK(await api(user, "GET", "/api/me/dotfiles"))).toEqual({ dotfiles: null });
    expect(await expectOK(await api(user, "GET", "/api/me/git-credential"))).toEqual({ credential: null });
    // Reading is fine with the token; the signed-in user still sets them.
    await expectOK(await api(ci, "GET", "/api/me/dotfiles"));
    await expectOK(await api(user, "POST", "/api/me/dotfiles", { url: "https://git.example/dotfiles.git" }));
    await expectOK(await api(user, "DELETE", "/api/me/dotfiles"));
  });
});
