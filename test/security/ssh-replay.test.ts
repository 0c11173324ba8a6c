import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { api, baseURL, createSession, expectOK } from "../stack/helpers/api";
import { createStackUser, STACK_STATE_DIR } from "../stack/helpers/users";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/** Whether one /ssh upgrade with this token is let through (101) or refused (its status). */
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

/** The stack's local KV, as `wrangler kv key` sees it. */
async function kv(args: string[]): Promise<string> {
  const { stdout } = await run(
    path.join(ROOT, "node_modules/.bin/wrangler"),
    ["kv", "key", ...args, "--binding", "KV", "--local", "--persist-to", STACK_STATE_DIR],
    { cwd: ROOT, env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  return stdout;
}

const kvKeys = async (): Promise<string[]> => {
  const out = await kv(["list"]);
  return (JSON.parse(out.slice(out.indexOf("["))) as { name: string }[]).map((k) => k.name);
};

describe("an ssh token is single-use", () => {
  it("the same token sent on parallel connections opens one of them", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "ssh-replay" });
    const { token } = sshTokenSchema.parse(
      await expectOK(await api(user, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: session.id } })),
    );
    const results = await Promise.all(Array.from({ length: 6 }, () => upgrade(session.id, token)));
    expect(results.filter((s) => s === 101)).toHaveLength(1);
    expect(results.filter((s) => s !== 101).every((s) => s === 401)).toBe(true);
  });

  it("a KV replica that still answers a spent token (KV is eventually consistent) does not open a second connection", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "ssh-replay-kv" });
    // The grant's key is found, not derived: the one KV key the mint added whose value names the session.
    const before = new Set(await kvKeys());
    const { token } = sshTokenSchema.parse(
      await expectOK(await api(user, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: session.id } })),
    );
    const added = (await kvKeys()).filter((k) => !before.has(k));
    const grants = [];
    for (const k of added) {
      const value = await kv(["get", k]);
      if (value.includes(session.id)) grants.push({ key: k, value });
    }
    expect(grants).toHaveLength(1);
    const { key, value: stored } = grants[0]!;
    expect(await upgrade(session.id, token)).toBe(101);
    // Another location's replica may still hold the key for up to a minute after the delete.
    await kv(["put", key, stored.trim()]);
    expect(await upgrade(session.id, token)).toBe(401);
  });
});
