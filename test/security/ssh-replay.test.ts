import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { sshTokenSchema } from "../../sdk/schemas/sessions";
import { api, baseURL, createSession, expectOK } from "../stack/helpers/api";
import { createStackUser } from "../stack/helpers/users";

/** Whether one /ssh upgrade with this token is let through (open) or refused (its status). */
function upgrade(sessionId: string, token: string): Promise<number> {
  const socket = new WebSocket(`${baseURL().replace(/^http/, "ws")}/runtime/sessions/${sessionId}/ssh`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return new Promise((resolve) => {
    socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    socket.once("open", () => {
      socket.close();
      resolve(101);
    });
    socket.once("error", () => resolve(-1));
  });
}

describe("an ssh token is single-use", () => {
  it("the same token sent on parallel connections opens one of them", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "ssh-replay" });
    const { token } = sshTokenSchema.parse(await expectOK(await api(user, "POST", `/api/sessions/${session.id}/ssh-token`)));
    const results = await Promise.all(Array.from({ length: 6 }, () => upgrade(session.id, token)));
    expect(results.filter((s) => s === 101)).toHaveLength(1);
    expect(results.filter((s) => s !== 101).every((s) => s === 401)).toBe(true);
  });
});
