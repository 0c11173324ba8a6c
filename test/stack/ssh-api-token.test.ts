import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApiTokenResponseSchema } from "@burstflare/sdk/schemas/auth";
import { type Session, sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bareSSHArgs } from "../../scripts/lib/bare-ssh.mjs";
import { E2E_PORT } from "../ports";
import { api, createSession, expectOK } from "./helpers/api";
import { FLARE_BIN, type FlareHome, flare, flareHome, flareJSON, run } from "./helpers/flare";
import { Children, configSshHost, fetchThroughForward, keygen, SCP, SSH } from "./helpers/openssh";
import { createStackUser, type StackUser } from "./helpers/users";

/** Apart from the stack's ports and from ssh.test.ts's forwarding ports (+40, +41). */
const INSIDE_PORT = E2E_PORT + 42;
const LOCAL_PORT = E2E_PORT + 43;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const children = new Children();

async function apiToken(user: StackUser, name: string): Promise<{ token: string; id: string }> {
  const created = createApiTokenResponseSchema.parse(await expectOK(await api(user, "POST /api/auth/tokens", { body: { name } })));
  return { token: created.token, id: created.apiToken.id };
}

/** A machine with only BURSTFLARE_TOKEN: no stored sign-in, no registered key. */
function tokenHome(token: string): FlareHome {
  const fh = flareHome();
  fh.env.BURSTFLARE_TOKEN = token;
  return fh;
}

/**
 * SSH for automation: an API token cannot register account keys, so each connection binds a key
 * to its single-use ssh token (`flare ssh`: a key made for that connection; ssh-proxy under
 * config-ssh: the managed key). Real OpenSSH clients throughout.
 */
describe("SSH with an API token", () => {
  let user: StackUser;
  let session: Session;
  let token: { token: string; id: string };
  let fh: FlareHome;
  let host: string;

  beforeAll(async () => {
    user = await createStackUser();
    session = await createSession(user, { name: `tok-${Date.now().toString(36)}` });
    token = await apiToken(user, "automation");
    fh = tokenHome(token.token);
    host = configSshHost(session.name);
  });

  afterAll(() => children.stopAll());

  it("runs `flare ssh <s> -- cmd` without registering any account key, leaving no key behind", async () => {
    const r = await flare(fh, ["ssh", session.name, "--", "echo", "token-$((6*7))"]);
    expect(r.stderr).not.toContain("error");
    expect(r.stdout).toBe("token-42\n");
    expect(r.code).toBe(0);
    const failing = await flare(fh, ["ssh", session.name, "--", "exit 5"]);
    expect(failing.code).toBe(5);
    const { keys } = (await expectOK(await api(user, "GET /api/auth/ssh-keys"))) as { keys: unknown[] };
    expect(keys).toEqual([]);
    // The per-connection key lived in a private dir that is gone once ssh exits.
    expect(readdirSync(path.join(fh.configDir, "ssh")).filter((f) => f.startsWith("conn-"))).toEqual([]);
  });

  it("lets config-ssh entries work for plain ssh, scp both ways and ssh -L", async () => {
    const configured = await flareJSON<{ hosts: string[] }>(fh, ["config-ssh"]);
    expect(configured.hosts).toContain(host);
    const ssh = (args: string[]) => run(SSH, ["-F", fh.sshConfig, ...args], fh);
    const hello = await ssh([host, "echo", "plain-ssh"]);
    expect(hello.stdout, hello.stderr).toBe("plain-ssh\n");

    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-token-scp-"));
    const payload = randomBytes(2 * 1024 * 1024);
    writeFileSync(path.join(dir, "up.bin"), payload);
    const put = await run(SCP, ["-F", fh.sshConfig, path.join(dir, "up.bin"), `${host}:token-up.bin`], fh);
    expect(put.code, put.stderr).toBe(0);
    const get = await run(SCP, ["-F", fh.sshConfig, `${host}:token-up.bin`, path.join(dir, "down.bin")], fh);
    expect(get.code, get.stderr).toBe(0);
    expect(sha256(readFileSync(path.join(dir, "down.bin")))).toBe(sha256(payload));

    const body = await fetchThroughForward(children, fh, host, { inside: INSIDE_PORT, local: LOCAL_PORT }, "token-forward");
    expect(body).toBe("token-forward");
    const { keys } = (await expectOK(await api(user, "GET /api/auth/ssh-keys"))) as { keys: unknown[] };
    expect(keys).toEqual([]);
  });

  it("accepts the bound key and no other, not even the user's registered account key", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-bound-"));
    const bound = keygen(dir, "bound");
    const account = keygen(dir, "account");
    await expectOK(await api(user, "POST /api/auth/ssh-keys", { body: { publicKey: account.publicKey, name: "account key" } }));
    const mint = async () => {
      const res = await fetch(new URL(`/api/sessions/${session.id}/ssh-token`, fh.env.BURSTFLARE_URL), {
        method: "POST",
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body: JSON.stringify({ publicKey: bound.publicKey }),
      });
      return sshTokenSchema.parse(await expectOK(res));
    };
    const attempt = async (identity: string) => {
      const minted = await mint();
      expect(minted.boundKeyFingerprint).toMatch(/^SHA256:/);
      const file = path.join(dir, `token-${randomBytes(4).toString("hex")}`);
      writeFileSync(file, minted.token, { mode: 0o600 });
      const proxy = `${process.execPath} ${FLARE_BIN} ssh-proxy ${session.id} --token-file ${file}`;
      return run(SSH, bareSSHArgs({ proxy, identity, destination: `${minted.sshUser}@${host}`, command: "echo in" }), fh);
    };
    const ok = await attempt(bound.file);
    expect(ok.stdout, ok.stderr).toBe("in\n");
    const other = await attempt(account.file);
    expect(other.code).toBe(255);
    expect(other.stderr).toContain("Permission denied");
  });

  it("refuses a malformed key to bind with 400", async () => {
    for (const publicKey of ["ssh-ed25519 not-base64!!", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", `ssh-ed25519 ${"A".repeat(20_000)}`]) {
      const res = await fetch(new URL(`/api/sessions/${session.id}/ssh-token`, fh.env.BURSTFLARE_URL), {
        method: "POST",
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body: JSON.stringify({ publicKey }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
  });

  it("cannot change account SSH keys, and says to sign in as a person instead", async () => {
    const res = await fetch(new URL("/api/auth/ssh-keys", fh.env.BURSTFLARE_URL), {
      method: "POST",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
      body: JSON.stringify({ publicKey: readFileSync(path.join(fh.configDir, "ssh/id_ed25519.pub"), "utf8").trim() }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("token_not_allowed");
  });

  it("refuses a foreign token with not_found and a revoked token with its own fix line", async () => {
    const stranger = await createStackUser();
    const foreign = tokenHome((await apiToken(stranger, "foreign")).token);
    const r = await flare(foreign, ["--json", "ssh", session.id, "--", "true"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr).error.code).toBe("not_found");

    const doomed = await apiToken(user, "doomed");
    const home = tokenHome(doomed.token);
    const before = await flare(home, ["ssh", session.name, "--", "echo", "alive"]);
    expect(before.stdout, before.stderr).toBe("alive\n");
    await expectOK(await api(user, "DELETE /api/auth/tokens/{tokenId}", { params: { tokenId: doomed.id } }));
    const after = await flare(home, ["ssh", session.name, "--", "echo", "alive"]);
    expect(after.code).toBe(1);
    expect(after.stdout).toBe("");
    expect(after.stderr).toContain("fix: BURSTFLARE_TOKEN was refused");
  });

  it("leaves nothing of a failed connection's key behind", async () => {
    const dir = path.join(fh.configDir, "ssh");
    mkdirSync(dir, { recursive: true });
    const r = await flare(fh, ["ssh", session.name, "--", "true"], { env: { BURSTFLARE_SSH: "/nonexistent/ssh" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot run /nonexistent/ssh");
    expect(readdirSync(dir).filter((f) => f.startsWith("conn-"))).toEqual([]);
  });
});

/** The automation API's scoped tokens: SSH counts as exec, limited to the token's session. */
describe("SSH with a scoped token", () => {
  it("connects to its own session with the exec scope and to nothing else", async () => {
    const user = await createStackUser();
    const mine = await createSession(user, { name: `scoped-ssh-${Date.now().toString(36)}` });
    const other = await createSession(user, { name: `scoped-other-${Date.now().toString(36)}` });
    const mint = async (scopes: string[]) =>
      (
        (await expectOK(
          await api(user, "POST /api/scoped-tokens", { body: { name: "agent", sessionId: mine.id, scopes, expiresInSeconds: 600 } }),
          201,
        )) as { token: string }
      ).token;
    const exec = tokenHome(await mint(["exec"]));
    const ok = await flare(exec, ["ssh", mine.id, "--", "echo", "scoped-ssh"]);
    expect(ok.stdout, ok.stderr).toBe("scoped-ssh\n");

    const elsewhere = await flare(exec, ["--json", "ssh", other.id, "--", "true"]);
    expect(elsewhere.code).toBe(1);
    expect(JSON.parse(elsewhere.stderr).error.code).toBe("token_not_allowed");

    const filesOnly = tokenHome(await mint(["files"]));
    const refused = await flare(filesOnly, ["ssh", mine.id, "--", "true"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("do not include exec");
    expect(refused.stderr).toContain("fix: this API token may not do that");
  });
});

/** `node cli/pack.mjs --sea`: the CLI with Node inside, for machines without Node. */
describe("the single-executable flare", () => {
  it("lists sessions and opens SSH, its ProxyCommand re-running the executable itself", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const exe = execFileSync(process.execPath, [path.join(root, "cli/pack.mjs"), "--sea"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .pop()!;
    const user = await createStackUser();
    const session = await createSession(user, { name: `sea-${Date.now().toString(36)}` });
    const fh = tokenHome((await apiToken(user, "sea")).token);
    // No Node on PATH: only the system's tools, as on a machine that never installed Node.
    fh.env.PATH = "/usr/bin:/bin";
    const list = await run(exe, ["--json", "session", "list"], fh);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { sessions: { id: string }[] }).sessions.map((s) => s.id)).toContain(session.id);
    const ssh = await run(exe, ["ssh", session.name, "--", "echo", "from-sea"], fh);
    expect(ssh.stdout, ssh.stderr).toBe("from-sea\n");
    const configured = JSON.parse((await run(exe, ["--json", "config-ssh", "--dry-run"], fh)).stdout) as { content: string };
    const proxyLine = configured.content.split("\n").find((l) => l.trim().startsWith("ProxyCommand"));
    expect(proxyLine?.trim()).toMatch(new RegExp(`^ProxyCommand ${exe} .*ssh-proxy`));
  });
});
