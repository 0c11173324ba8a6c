import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, sessionAction } from "./helpers/api";
import { FLARE_BIN, flare, flareHome, run, signIn } from "./helpers/flare";
import { createStackUser } from "./helpers/users";

/**
 * `flare ssh <name>` remembers which id a name resolved to, and next time looks the session up and
 * mints its token in one round trip. The remembered id is only a hint: these are the cases where
 * it is wrong or the session is not running, each of which must still reach the right session.
 */
describe("flare ssh connections", () => {
  it("reaches the session now holding the name after the old one was deleted, and wakes a stopped one", async () => {
    const user = await createStackUser();
    const fh = flareHome();
    signIn(fh, user);
    const name = `hint-${Date.now().toString(36)}`;
    const first = await createSession(user, { name });
    const a = await flare(fh, ["ssh", name, "--", "echo first > ~/who; cat ~/who"]);
    expect(a.stdout, a.stderr).toBe("first\n");
    const cacheDir = path.join(fh.configDir, "cache");
    const cacheFile = readdirSync(cacheDir).find((f) => f.startsWith("session-ids-"))!;
    expect(JSON.parse(readFileSync(path.join(cacheDir, cacheFile), "utf8"))).toMatchObject({ [name]: first.id });

    await expectOK(await api(user, "DELETE /api/sessions/{sessionId}", { params: { sessionId: first.id } }));
    const second = await createSession(user, { name });
    const b = await flare(fh, ["ssh", name, "--", "cat ~/who 2>/dev/null || echo fresh"]);
    expect(b.stdout, b.stderr).toBe("fresh\n");
    expect(JSON.parse(readFileSync(path.join(cacheDir, cacheFile), "utf8"))).toMatchObject({ [name]: second.id });

    await sessionAction(user, second.id, "stop");
    const c = await flare(fh, ["ssh", name, "--", "echo awake"], { timeoutMs: 120_000 });
    expect(c.stdout, c.stderr).toBe("awake\n");
    expect(c.code).toBe(0);
  });

  it("connects by id in one round trip and still refuses another workspace's id", async () => {
    const user = await createStackUser();
    const fh = flareHome();
    signIn(fh, user);
    const session = await createSession(user, { name: `byid-${Date.now().toString(36)}` });
    const ok = await flare(fh, ["ssh", session.id, "--", "echo by-id"]);
    expect(ok.stdout, ok.stderr).toBe("by-id\n");
    const stranger = await createStackUser();
    const fhStranger = flareHome();
    signIn(fhStranger, stranger);
    const refused = await flare(fhStranger, ["--json", "ssh", session.id, "--", "true"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).error.code).toBe("not_found");
  });

  it("carries megabytes both ways through its own pipes, byte for byte, and leaves no pipe behind", async () => {
    const user = await createStackUser();
    const fh = flareHome();
    signIn(fh, user);
    const session = await createSession(user, { name: `pipes-${Date.now().toString(36)}` });
    const payload = randomBytes(3 * 1024 * 1024);
    const up = await run(process.execPath, [FLARE_BIN, "ssh", "-T", session.name, "--", "sha256sum"], fh, { input: payload });
    expect(up.stdout.split(" ")[0], up.stderr).toBe(createHash("sha256").update(payload).digest("hex"));
    const down = await flare(fh, ["ssh", "-T", session.name, "--", "head -c 3000000 /dev/zero"]);
    expect(down.code, down.stderr).toBe(0);
    // NUL bytes decode one character each.
    expect(down.stdout.length).toBe(3_000_000);
    expect(readdirSync(fh.configDir).filter((f) => f.startsWith("proxy-"))).toEqual([]);
  });
});
