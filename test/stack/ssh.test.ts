import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sshKeySchema } from "@burstflare/sdk/schemas/auth";
import type { Session } from "@burstflare/sdk/schemas/sessions";
import { sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bareSSHArgs } from "../../scripts/lib/bare-ssh.mjs";
import { E2E_PORT } from "../ports";
import { api, createSession, expectOK, until } from "./helpers/api";
import { FLARE_BIN, type FlareHome, flare, flareHome, flareJSON, run, signedInUser, signIn } from "./helpers/flare";
import { Children, configSshHost, fetchThroughForward, keygen, SCP, SSH, stopChild } from "./helpers/openssh";
import { createStackUser, type StackUser } from "./helpers/users";

/** Ports for the forwarding test, apart from the stack's own (test/ports.ts uses base..base+7). */
const INSIDE_PORT = E2E_PORT + 40;
const LOCAL_PORT = E2E_PORT + 41;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Real OpenSSH clients (/usr/bin/ssh, /usr/bin/scp) through `flare config-ssh`'s Host entries and
 * the WebSocket tunnel: exec, a pty, scp both ways, -L, -A, and the refusals the tunnel owes us.
 */
describe("real OpenSSH through the tunnel", () => {
  let user: StackUser;
  let fh: FlareHome;
  let session: Session;
  let host: string;
  const userConfig = "# my own settings\nHost github.com\n  User git\n  IdentityFile ~/.ssh/github\n";
  const children = new Children();
  const ssh = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
    run(SSH, ["-F", fh.sshConfig, ...args], fh, opts);

  beforeAll(async () => {
    ({ user, fh } = await signedInUser());
    session = await createSession(user, { name: `ssh-${Date.now().toString(36)}` });
    expect(session.state).toBe("running");
    mkdirSync(path.dirname(fh.sshConfig), { recursive: true, mode: 0o700 });
    writeFileSync(fh.sshConfig, userConfig, { mode: 0o600 });
    const configured = await flareJSON<{ file: string; hosts: string[]; changed: boolean }>(fh, ["config-ssh"]);
    host = configSshHost(session.name);
    expect(configured).toMatchObject({ file: fh.sshConfig, changed: true });
    expect(configured.hosts).toEqual([host, "*.burstflare"]);
  });

  afterAll(() => children.stopAll());

  it("writes its block after the user's own config, registering the managed key", async () => {
    const config = readFileSync(fh.sshConfig, "utf8");
    expect(config.startsWith(userConfig)).toBe(true);
    expect(config).toContain(`Host ${host}\n`);
    const { keys } = (await expectOK(await api(user, "GET /api/auth/ssh-keys"))) as { keys: unknown[] };
    const managed = keys.map((k) => sshKeySchema.parse(k)).filter((k) => k.managed);
    expect(managed).toHaveLength(1);
    expect(managed[0]!.publicKey.trim()).toBe(
      readFileSync(path.join(fh.configDir, "ssh/id_ed25519.pub"), "utf8").trim().split(" ").slice(0, 2).join(" "),
    );
  });

  it("runs commands with plain ssh and passes their exit status", async () => {
    const hello = await ssh([host, "echo", "hello-$((40+2))"]);
    expect(hello.stdout).toBe("hello-42\n");
    expect(hello.code).toBe(0);
    const failing = await ssh([host, "exit 3"]);
    expect(failing.code).toBe(3);
    // The wildcard entry resolves any other <name-or-id>.burstflare when ssh connects.
    const wildcard = await ssh([configSshHost(session.id), "echo", "via-wildcard"]);
    expect(wildcard.stdout, wildcard.stderr).toBe("via-wildcard\n");
  });

  it("gives an interactive ssh -tt session a pty and a shell that runs what is typed", async () => {
    const r = await ssh(["-tt", host], { input: "tty; echo typed-$((6*7)); exit\n" });
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.stdout).toContain("typed-42");
    expect(r.code).toBe(0);
  });

  it("copies 10 MB up and back down with scp, byte for byte", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-scp-"));
    const up = path.join(dir, "up.bin");
    const down = path.join(dir, "down.bin");
    const payload = randomBytes(10 * 1024 * 1024);
    writeFileSync(up, payload);
    const put = await run(SCP, ["-F", fh.sshConfig, up, `${host}:payload.bin`], fh);
    expect(put.code, put.stderr).toBe(0);
    const remoteSum = await ssh([host, "sha256sum payload.bin"]);
    expect(remoteSum.stdout.split(" ")[0]).toBe(sha256(payload));
    const get = await run(SCP, ["-F", fh.sshConfig, `${host}:payload.bin`, down], fh);
    expect(get.code, get.stderr).toBe(0);
    expect(sha256(readFileSync(down))).toBe(sha256(payload));
  });

  it("forwards a local port with ssh -L to a server started inside the session", async () => {
    const body = await fetchThroughForward(children, fh, host, { inside: INSIDE_PORT, local: LOCAL_PORT }, "inside-the-session");
    expect(body).toBe("inside-the-session");
  });

  it("forwards the local ssh-agent with ssh -A: ssh-add -l inside lists our key", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-agent-"));
    const sock = path.join(dir, "agent.sock");
    const agent = children.start("/usr/bin/ssh-agent", ["-D", "-a", sock], fh.env);
    await until(() => existsSync(sock), "ssh-agent's socket");
    const key = path.join(dir, "agent_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "forwarded-agent-key", "-f", key]);
    const added = await run("/usr/bin/ssh-add", [key], fh, { env: { SSH_AUTH_SOCK: sock } });
    expect(added.code, added.stderr).toBe(0);
    const fp = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${key}.pub`], { encoding: "utf8" }).split(" ")[1]!;

    const inside = await ssh(["-A", host, "ssh-add -l"], { env: { SSH_AUTH_SOCK: sock } });
    expect(inside.stdout).toContain(fp);
    expect(inside.stdout).toContain("forwarded-agent-key");
    // Without -A the session has no agent to ask.
    const without = await ssh([host, "ssh-add -l"], { env: { SSH_AUTH_SOCK: sock } });
    expect(without.stdout).not.toContain(fp);
    await stopChild(agent.child);
  });

  it("updates its block in place and --remove leaves the user's config exactly as it was", async () => {
    const extra = "\n# added by the user after config-ssh\nHost example.org\n  Port 2222\n";
    writeFileSync(fh.sshConfig, readFileSync(fh.sshConfig, "utf8") + extra);
    const again = await flareJSON<{ changed: boolean }>(fh, ["config-ssh"]);
    expect(again.changed).toBe(false);
    const removed = await flareJSON<{ removed: boolean; changed: boolean }>(fh, ["config-ssh", "--remove"]);
    expect(removed).toMatchObject({ removed: true, changed: true });
    expect(readFileSync(fh.sshConfig, "utf8")).toBe(`${userConfig}\n${extra}`);
    const back = await flareJSON<{ changed: boolean }>(fh, ["config-ssh"]);
    expect(back.changed).toBe(true);
    expect(readFileSync(fh.sshConfig, "utf8").startsWith(`${userConfig}\n${extra}`)).toBe(true);
  });

  describe("refusals", () => {
    /** ssh with nothing from config: our options only, so each case controls token and key itself. */
    const bare = (proxy: string, identity: string, extra: string[] = []) =>
      run(SSH, bareSSHArgs({ proxy, identity, extra, destination: `${user.email.split("@")[0]}@${host}`, command: "echo in" }), fh);
    const managedKey = () => path.join(fh.configDir, "ssh/id_ed25519");
    const proxyWithToken = (sessionId: string, token: string) => {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), "flare-token-")), "token");
      writeFileSync(file, token, { mode: 0o600 });
      return `${process.execPath} ${FLARE_BIN} ssh-proxy ${sessionId} --token-file ${file}`;
    };
    const mint = async (sessionId: string) =>
      sshTokenSchema.parse(await expectOK(await api(user, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId } })));

    it("accepts a fresh token once, and refuses it when replayed", async () => {
      const { token } = await mint(session.id);
      const proxy = proxyWithToken(session.id, token);
      const first = await bare(proxy, managedKey());
      expect(first.stdout, first.stderr).toBe("in\n");
      const replay = await bare(proxy, managedKey());
      expect(replay.code).toBe(255);
      expect(replay.stderr).toContain("the ssh tunnel was refused");
      expect(replay.stdout).toBe("");
    });

    it("refuses an expired token (and accepts one minted alongside it while it is still valid)", async () => {
      // Both minted by the product with its fixed 60 s lifetime; the second is used once its own expiresAt passed.
      const valid = await mint(session.id);
      const expiring = await mint(session.id);
      const ok = await bare(proxyWithToken(session.id, valid.token), managedKey());
      expect(ok.stdout, ok.stderr).toBe("in\n");
      const expiresAt = Date.parse(expiring.expiresAt);
      await until(() => Date.now() > expiresAt, "the ssh token's expiresAt to pass", 75_000);
      const refused = await bare(proxyWithToken(session.id, expiring.token), managedKey());
      expect(refused.code).toBe(255);
      expect(refused.stderr).toContain("expired");
    }, 180_000);

    it("refuses a token minted for another session", async () => {
      const other = await createSession(user, { name: `other-${Date.now().toString(36)}` });
      const { token } = await mint(other.id);
      const r = await bare(proxyWithToken(session.id, token), managedKey());
      expect(r.code).toBe(255);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("refused");
    });

    it("refuses a key nobody registered, another user's key, and a key once it is deleted", async () => {
      const proxy = `${process.execPath} ${FLARE_BIN} ssh-proxy ${session.id}`;
      const dir = mkdtempSync(path.join(os.tmpdir(), "flare-keys-"));

      const unknown = keygen(dir, "unknown");
      const r1 = await bare(proxy, unknown.file);
      expect(r1.code).toBe(255);
      expect(r1.stderr).toContain("Permission denied");

      const stranger = await createStackUser();
      const theirs = keygen(dir, "theirs");
      await expectOK(await api(stranger, "POST /api/auth/ssh-keys", { body: { publicKey: theirs.publicKey, name: "stranger" } }));
      const r2 = await bare(proxy, theirs.file);
      expect(r2.code).toBe(255);
      expect(r2.stderr).toContain("Permission denied");

      const mine = keygen(dir, "mine");
      const added = (await expectOK(
        await api(user, "POST /api/auth/ssh-keys", { body: { publicKey: mine.publicKey, name: "second key" } }),
      )) as {
        key: { id: string };
      };
      const r3 = await bare(proxy, mine.file);
      expect(r3.stdout, r3.stderr).toBe("in\n");
      await expectOK(await api(user, "DELETE /api/auth/ssh-keys/{keyId}", { params: { keyId: added.key.id } }));
      const r4 = await bare(proxy, mine.file);
      expect(r4.code).toBe(255);
      expect(r4.stderr).toContain("Permission denied");
    });

    it("does not mint a token for a session in another workspace", async () => {
      const stranger = await createStackUser();
      const res = await api(stranger, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: session.id } });
      expect(res.status).toBe(404);
      const fhStranger = flareHome();
      signIn(fhStranger, stranger);
      const r = await flare(fhStranger, ["--json", "ssh", session.id, "--", "true"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr).error.code).toBe("not_found");
    });
  });
});
