import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { api, baseURL, until } from "./helpers/api";
import { createBrowserUser, flare, flareHome, flareJSON, spawnFlare } from "./helpers/flare";

interface Creds {
  version: 1;
  servers: Record<string, { accessToken: string; refreshToken: string | null; accessExpiresAt: number; email?: string }>;
}

/**
 * The acceptance journey of the CLI against a real stack, with the real executable: device login
 * approved by a signed-in browser, template upload → build → promote, session up, `flare ssh`
 * running a command, stop, delete, logout. Every step parses `--json` output.
 */
describe("flare CLI against the stack", () => {
  const fh = flareHome();
  const credsFile = path.join(fh.configDir, "credentials.json");
  const readCreds = () => JSON.parse(readFileSync(credsFile, "utf8")) as Creds;

  it("signs in with the device flow approved in the browser, and refreshes with the rotating token", async () => {
    const browser = await createBrowserUser();
    const login = spawnFlare(fh, ["--json", "auth", "login", "--no-browser"]);
    const first = await until(() => login.lines[0], "the device code line", 30_000);
    const device = JSON.parse(first) as { type: string; userCode: string; verificationUri: string; verificationUriComplete: string };
    expect(device.type).toBe("device_code");
    expect(device.verificationUri.startsWith(baseURL())).toBe(true);
    expect(device.userCode).toMatch(/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/);

    // Approving needs the browser's CSRF header: a cookie-authenticated POST without it is refused.
    const { "x-csrf-token": _, ...noCSRF } = browser.cookieHeaders;
    const refused = await api(null, "POST /api/cli/device/approve", { headers: noCSRF, body: { userCode: device.userCode } });
    expect(refused.status).toBe(403);
    const approved = await api(null, "POST /api/cli/device/approve", {
      headers: browser.cookieHeaders,
      body: { userCode: device.userCode },
    });
    expect(approved.status).toBe(200);

    expect(await login.exit).toBe(0);
    const done = JSON.parse(login.lines.at(-1)!) as { type: string; user: { email: string } };
    expect(done).toMatchObject({ type: "logged_in", user: { email: browser.email } });
    expect(statSync(credsFile).mode & 0o777).toBe(0o600);
    expect(readCreds().servers[baseURL()]?.refreshToken).toMatch(/^bfr_/);

    const me = await flareJSON<{ user: { email: string }; via: string }>(fh, ["auth", "whoami"]);
    expect(me.user.email).toBe(browser.email);
    expect(me.via).toBe("bearer");

    // An access token past its expiry is refreshed before use; the refresh token rotates.
    const before = readCreds().servers[baseURL()]!;
    writeFileSync(credsFile, JSON.stringify({ version: 1, servers: { [baseURL()]: { ...before, accessExpiresAt: 0 } } }), { mode: 0o600 });
    const again = await flareJSON<{ user: { email: string } }>(fh, ["auth", "whoami"]);
    expect(again.user.email).toBe(browser.email);
    const after = readCreds().servers[baseURL()]!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessExpiresAt).toBeGreaterThan(Date.now());

    const signIns = await flareJSON<{ signIns: { kind: string; current: boolean }[] }>(fh, ["auth", "sign-ins"]);
    expect(signIns.signIns.some((s) => s.kind === "cli" && s.current)).toBe(true);
    // The pre-rename command stays, hidden, until 0.3.0, printing the list under its old key.
    const legacy = await flareJSON<{ sessions: { kind: string; current: boolean }[] }>(fh, ["auth", "sessions"]);
    expect(legacy.sessions.some((s) => s.kind === "cli" && s.current)).toBe(true);
  });

  it("uploads a template directory, builds and promotes it, then runs a session end to end over ssh", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-template-"));
    mkdirSync(path.join(dir, "work"));
    writeFileSync(path.join(dir, "work", "hello.txt"), "hello from the bundle\n");
    writeFileSync(path.join(dir, "burstflare.json"), JSON.stringify({ persistedPaths: ["work"], build: "echo built > work/built.txt" }));
    const name = `cli-${Date.now().toString(36)}`;

    const created = await flareJSON<{ template: { id: string; name: string } }>(fh, [
      "template",
      "create",
      name,
      "-d",
      "made by the cli test",
    ]);
    expect(created.template.name).toBe(name);

    const up = await flare(fh, ["--json", "template", "upload", name, dir, "--version", "1.0.0", "--promote"], { timeoutMs: 180_000 });
    expect(up.code, up.stderr).toBe(0);
    const uploaded = JSON.parse(up.stdout) as { build: { id: string; status: string }; promoted: boolean; files: number };
    expect(uploaded).toMatchObject({ build: { status: "succeeded" }, promoted: true });
    expect(uploaded.files).toBeGreaterThanOrEqual(3);

    const builds = await flareJSON<{ builds: { id: string; status: string }[] }>(fh, ["build", "list", "--status", "succeeded"]);
    expect(builds.builds.map((b) => b.id)).toContain(uploaded.build.id);
    const log = await flareJSON<{ log: string }>(fh, ["build", "log", uploaded.build.id]);
    expect(log.log.length).toBeGreaterThan(0);

    const inspected = await flareJSON<{ template: { activeVersion: string | null } }>(fh, ["template", "inspect", name]);
    expect(inspected.template.activeVersion).toBe("1.0.0");

    const session = `s-${Date.now().toString(36)}`;
    const upResult = await flareJSON<{ session: { id: string; state: string }; created: boolean }>(
      fh,
      ["session", "up", session, "--template", name],
      {
        timeoutMs: 120_000,
      },
    );
    expect(upResult).toMatchObject({ created: true, session: { state: "running" } });

    const ok = await flare(fh, ["ssh", session, "--", "echo", "ok"], { timeoutMs: 90_000 });
    expect(ok.stderr).not.toMatch(/refused|denied/i);
    expect(ok.stdout).toBe("ok\n");
    expect(ok.code).toBe(0);

    // The session starts from the build's artifact: the persisted path holds what the build wrote.
    const built = await flare(fh, ["ssh", session, "--", "cat", "work/built.txt", "work/hello.txt"]);
    expect(built.stdout, built.stderr).toBe("built\nhello from the bundle\n");

    // ssh's exit status passes through.
    const failing = await flare(fh, ["ssh", session, "--", "exit 7"]);
    expect(failing.code).toBe(7);

    const stopped = await flareJSON<{ session: { state: string } }>(fh, ["session", "stop", session], { timeoutMs: 120_000 });
    expect(stopped.session.state).toBe("stopped");
    const status = await flareJSON<{ session: { state: string } }>(fh, ["session", "status", session]);
    expect(status.session.state).toBe("stopped");

    // `flare ssh` wakes a stopped session before connecting.
    const woke = await flare(fh, ["ssh", session, "--", "echo", "awake"], { timeoutMs: 120_000 });
    expect(woke.stdout, woke.stderr).toBe("awake\n");

    const deleted = await flareJSON<{ deleted: string }>(fh, ["session", "delete", session], { timeoutMs: 120_000 });
    expect(deleted.deleted).toBe(upResult.session.id);
    const list = await flareJSON<{ sessions: { id: string; state: string }[] }>(fh, ["session", "list"]);
    expect(list.sessions.filter((s) => s.id === upResult.session.id && s.state !== "deleted")).toEqual([]);
  });

  it("reports a missing session with its fix, as JSON on stderr and exit 1", async () => {
    const r = await flare(fh, ["--json", "session", "status", "no-such-session"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: "not_found", message: expect.stringContaining("no-such-session") } });
  });

  it("logs out server-side: the stored token stops working and the next call says how to fix it", async () => {
    const token = readCreds().servers[baseURL()]!.accessToken;
    const out = await flareJSON<{ loggedOut: boolean; revoked: boolean }>(fh, ["auth", "logout"]);
    expect(out).toMatchObject({ loggedOut: true, revoked: true });
    const res = await api(null, "GET /api/auth/me", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    const r = await flare(fh, ["auth", "whoami"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("fix: run `flare auth login`");
  });
});
