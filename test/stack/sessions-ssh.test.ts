import { describe, expect, it } from "vitest";
import { newEd25519Key } from "../../runtime/src/agent/ssh/host-key";
import { api, createSession, expectOK } from "./helpers/api";
import { sshExec, sshToken } from "./helpers/ssh-exec";
import { createStackUser } from "./helpers/users";

describe("ssh through the runtime route", () => {
  it("admits the token user's registered key, refuses another key and a replayed token", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "sshd" });
    const keys = newEd25519Key("stack test");
    await expectOK(await api(user, "POST /api/auth/ssh-keys", { body: { publicKey: keys.public, name: "stack" } }));

    const first = await sshToken(user, session.id);
    const firstAuth = { token: first.token, username: first.sshUser, privateKey: keys.private };
    const { out } = await sshExec(session.id, firstAuth, "echo ssh-$((20+22)) && whoami >/dev/null; echo $USER");
    expect(out).toContain("ssh-42");
    expect(out).toContain(first.sshUser);

    // The spent token does not open a second connection.
    await expect(sshExec(session.id, firstAuth, "true")).rejects.toThrow(/401/);

    const other = newEd25519Key("other");
    const second = await sshToken(user, session.id);
    await expect(sshExec(session.id, { token: second.token, username: second.sshUser, privateKey: other.private }, "true")).rejects.toThrow(
      /authentication/i,
    );
  });
});
