import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createShareResponse } from "@burstflare/sdk/schemas/shares";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { api, baseURL, createSession, expectOK, req, send, until } from "../stack/helpers/api";
import { type FlareHome, flareHome, flareJSON, signIn } from "../stack/helpers/flare";
import { Children, configSshHost, SSH } from "../stack/helpers/openssh";
import { mustVisitShare, SHARE_VISIT_COOKIE, setCookieValue, visitPreview } from "../stack/helpers/preview-host";
import { heldWSAt, sessionWithPreviewServer } from "../stack/helpers/preview-server";
import { TerminalClient } from "../stack/helpers/terminal";
import { createStackUser, type StackUser, seedUser } from "../stack/helpers/users";

/**
 * Revoking access ends the connections it opened, not only the next request: for each way access
 * is taken away, the revoked principal's open terminal, SSH and preview WebSockets close within
 * 5 s, while another principal's connection to the same session stays open. And members do not
 * reach each other's private terminals or forwarded SSH agents.
 */

const CLOSE_DEADLINE_MS = 5000;
const latencies: { what: string; ms: number }[] = [];

/** A member of `workspaceId` with a CLI sign-in (its token) and a browser sign-in (cookie + CSRF). */
interface Member extends StackUser {
  cookieHeaders: Record<string, string>;
  cliSignInId: string;
  browserSignInId: string;
}

/** A seeded member with both sign-ins, issued by the product (POST /api/admin/seed/users); without a workspace, a stranger with their own. */
async function memberOf(workspaceId?: string): Promise<Member> {
  const seeded = await seedUser(
    workspaceId ? { workspaceId, role: "member", signIns: ["cli", "browser"] } : { signIns: ["cli", "browser"] },
  );
  const cli = seeded.signIns.find((s) => s.kind === "cli")!;
  const browser = seeded.signIns.find((s) => s.kind === "browser")!;
  const csrf = randomBytes(24).toString("base64url");
  return {
    userId: seeded.userId,
    email: seeded.email,
    workspaceId: seeded.workspaceId,
    token: cli.token,
    headers: { authorization: `Bearer ${cli.token}` },
    cookieHeaders: { cookie: `bf_session=${browser.token}; bf_csrf=${csrf}`, "x-csrf-token": csrf, origin: baseURL() },
    cliSignInId: cli.id,
    browserSignInId: browser.id,
  };
}

/** When a socket closed (performance.now()), and how. */
function closeOf(socket: WebSocket): Promise<{ at: number; code: number }> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) resolve({ at: performance.now(), code: 1006 });
    socket.once("close", (code: number) => resolve({ at: performance.now(), code }));
  });
}

/** `event`, or null once `ms` have passed. */
async function within<T>(event: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  const result = await Promise.race([event, deadline]);
  clearTimeout(timer);
  return result;
}

/** Waits for `closed` at most CLOSE_DEADLINE_MS after `startedAt`; records and returns the latency. */
async function closesInTime(what: string, closed: Promise<{ at: number }>, startedAt: number): Promise<number> {
  const result = await within(closed, CLOSE_DEADLINE_MS - (performance.now() - startedAt));
  if (!result) throw new Error(`${what} was still open ${CLOSE_DEADLINE_MS} ms after the revocation`);
  const ms = result.at - startedAt;
  latencies.push({ what, ms });
  return ms;
}

/** Proves a terminal is open and live: a command typed now is answered now. */
async function stillAnswers(term: TerminalClient): Promise<void> {
  expect(term.socket.readyState).toBe(WebSocket.OPEN);
  const mark = `alive-${randomBytes(3).toString("hex")}`;
  term.send(`echo ${mark.slice(0, 6)}""${mark.slice(6)}\r`);
  await term.waitFor(mark);
}

/** Terminal ids are per case: a revoked user's shell lives on, and its id stays theirs. */
async function readyTerminal(sessionId: string, headers: Record<string, string>, name: string): Promise<TerminalClient> {
  const term = await TerminalClient.open(sessionId, headers, `?terminal=${name}-${randomBytes(4).toString("hex")}`);
  term.send("echo ready-$((20+1))\r");
  await term.waitFor("ready-21");
  return term;
}

/** A preview WebSocket that got the dev server's greeting. */
const previewSocket = heldWSAt;

/** A member's preview WebSocket, opened as the browser opens it: on the preview host, with the visit cookie. */
async function grantPreviewSocket(sessionId: string, headers: Record<string, string>): Promise<WebSocket> {
  const visit = await visitPreview(headers, sessionId);
  return previewSocket(`${visit.origin.replace(/^http/, "ws")}/hmr`, { cookie: visit.cookie });
}

/** A share link's preview WebSocket: the link's URL is traded for the host's cookie, then the app's socket. */
async function sharePreviewSocket(url: string): Promise<WebSocket> {
  // The link's public host moves the entry to a fresh visit's own host, which sets the cookie.
  const hop = await fetch(url, { redirect: "manual" });
  const at = new URL(hop.headers.get("location") ?? "", url).toString();
  const enter = await fetch(at, { redirect: "manual" });
  const cookie = setCookieValue(enter, SHARE_VISIT_COOKIE);
  if (!cookie) throw new Error(`the share link answered ${enter.status} without a visit cookie`);
  return previewSocket(`${new URL(at).origin.replace(/^http/, "ws")}/socket`, { cookie });
}

/** A scoped link's preview WebSocket, opened by a signed-in viewer (`headers`: their credential) as a browser does. */
async function viewerSharePreviewSocket(path: string, headers: Record<string, string>): Promise<WebSocket> {
  const visit = await mustVisitShare(path, headers);
  return previewSocket(`${visit.origin.replace(/^http/, "ws")}/socket`, { cookie: visit.cookie });
}

const children = new Children();

/** `ssh <host> <command>` as the member's machine runs it, kept open until it ends by itself. */
function startSSH(fh: FlareHome, host: string, command: string, opts: { forwardAgent?: string } = {}) {
  const args = ["-F", fh.sshConfig, ...(opts.forwardAgent ? ["-A"] : []), host, command];
  const env = { ...fh.env, ...(opts.forwardAgent ? { SSH_AUTH_SOCK: opts.forwardAgent } : {}) };
  const { child, output } = children.start(SSH, args, env);
  const exited = new Promise<{ at: number; code: number | null }>((resolve) =>
    child.on("close", (code) => resolve({ at: performance.now(), code })),
  );
  return { child, output, exited };
}

async function sshHome(user: StackUser): Promise<FlareHome> {
  const fh = flareHome();
  signIn(fh, user);
  await flareJSON(fh, ["config-ssh"]);
  return fh;
}

/**
 * A new owner's session, named `<prefix>-<time>` and made by `make` before the block's tests, and
 * its SSH host (flare config-ssh names it after the session).
 */
function sessionOfNewOwner(prefix: string, make: (owner: StackUser, name: string) => Promise<string>) {
  const name = `${prefix}-${Date.now().toString(36)}`;
  const fixture = { name, host: configSshHost(name) } as { name: string; host: string; owner: StackUser; sessionId: string };
  beforeAll(async () => {
    fixture.owner = await createStackUser();
    fixture.sessionId = await make(fixture.owner, name);
  });
  return fixture;
}

describe("revoking access closes the connections it opened", () => {
  const s = sessionOfNewOwner("revoke", sessionWithPreviewServer);
  /** The owner's terminal: another principal, which every revocation must leave open. */
  let ownerTerm: TerminalClient;

  beforeAll(async () => {
    ownerTerm = await readyTerminal(s.sessionId, s.owner.headers, "owner-main");
  });
  afterAll(async () => {
    await children.stopAll();
    await ownerTerm?.close();
    if (latencies.length) {
      const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
      const p50 = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
      console.log(
        `revocation close latency: n=${sorted.length} p50=${p50.toFixed(0)}ms max=${(sorted.at(-1) ?? 0).toFixed(0)}ms\n` +
          latencies.map((l) => `  ${l.what}: ${l.ms.toFixed(0)}ms`).join("\n"),
      );
    }
  });

  it("logout-all closes the user's cookie terminal, SSH and preview WebSockets", async () => {
    const u = await memberOf(s.owner.workspaceId);
    const fh = await sshHome(u);
    const term = await readyTerminal(s.sessionId, u.cookieHeaders, "u-main");
    const preview = await grantPreviewSocket(s.sessionId, u.cookieHeaders);
    const ssh = startSSH(fh, s.host, "echo ssh-ready; exec sleep 600");
    await until(() => ssh.output().includes("ssh-ready"), "the member's ssh session", 30_000);
    const closes = [closeOf(term.socket), closeOf(preview)];

    const t0 = performance.now();
    await expectOK(await send(null, req("POST /api/auth/logout-all", { headers: u.cookieHeaders })));
    await closesInTime("logout-all: terminal", closes[0]!, t0);
    await closesInTime("logout-all: preview ws (grant)", closes[1]!, t0);
    await closesInTime("logout-all: ssh", ssh.exited, t0);
    await stillAnswers(ownerTerm);
  });

  it("revoking one sign-in closes what it opened and leaves the user's other sign-in connected", async () => {
    const u = await memberOf(s.owner.workspaceId);
    const viaCLI = await readyTerminal(s.sessionId, u.headers, "u-cli");
    const viaCookie = await readyTerminal(s.sessionId, u.cookieHeaders, "u-cookie");
    const closed = closeOf(viaCLI.socket);

    const t0 = performance.now();
    await expectOK(
      await send(null, req("DELETE /api/auth/sign-ins/{signInId}", { params: { signInId: u.cliSignInId }, headers: u.cookieHeaders })),
    );
    await closesInTime("revoke one sign-in: terminal", closed, t0);
    await stillAnswers(viaCookie);
    await stillAnswers(ownerTerm);
    await viaCookie.close();
  });

  it("removing a member closes their terminal and SSH session", async () => {
    const u = await memberOf(s.owner.workspaceId);
    const fh = await sshHome(u);
    const term = await readyTerminal(s.sessionId, u.headers, "u-main");
    const ssh = startSSH(fh, s.host, "echo ssh-ready; exec sleep 600");
    await until(() => ssh.output().includes("ssh-ready"), "the member's ssh session", 30_000);
    const closed = closeOf(term.socket);

    const t0 = performance.now();
    await expectOK(await api(s.owner, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: u.userId } }));
    await closesInTime("remove member: terminal", closed, t0);
    await closesInTime("remove member: ssh", ssh.exited, t0);
    await stillAnswers(ownerTerm);
  });

  it("demoting a member to viewer closes their terminal", async () => {
    const u = await memberOf(s.owner.workspaceId);
    const term = await readyTerminal(s.sessionId, u.headers, "u-main");
    const closed = closeOf(term.socket);

    const t0 = performance.now();
    await expectOK(
      await api(s.owner, "PATCH /api/workspaces/current/members/{userId}", { params: { userId: u.userId }, body: { role: "viewer" } }),
    );
    await closesInTime("demote to viewer: terminal", closed, t0);
    await stillAnswers(ownerTerm);
  });

  it("revoking a share link closes the preview WebSockets opened through it, not those of another link", async () => {
    const link = async () =>
      createShareResponse.parse(
        await expectOK(
          await api(s.owner, "POST /api/sessions/{sessionId}/shares", {
            params: { sessionId: s.sessionId },
            body: { scope: "anyone", expiresInSeconds: 3600 },
          }),
          201,
        ),
      );
    const revoked = await link();
    const kept = await link();
    const viaRevoked = await sharePreviewSocket(revoked.url);
    const viaKept = await sharePreviewSocket(kept.url);
    const closed = closeOf(viaRevoked);

    const t0 = performance.now();
    await expectOK(
      await api(s.owner, "DELETE /api/sessions/{sessionId}/shares/{shareId}", {
        params: { sessionId: s.sessionId, shareId: revoked.share.id },
      }),
    );
    await closesInTime("revoke share link: preview ws", closed, t0);
    expect(viaKept.readyState).toBe(WebSocket.OPEN);
    await stillAnswers(ownerTerm);
    viaKept.close();
  });

  it("revoking the sign-in a scoped link's viewer opened it with closes that visit's WebSockets, for a stranger to the workspace too", async () => {
    // The socket is held by the link and by the viewer's grant, which names the sign-in: HTTP through
    // the grant is refused once the sign-in is revoked, and the socket must not outlive it either.
    const stranger = await memberOf();
    const link = createShareResponse.parse(
      await expectOK(
        await api(s.owner, "POST /api/sessions/{sessionId}/shares", {
          params: { sessionId: s.sessionId },
          body: { scope: "people", emails: [stranger.email], expiresInSeconds: 3600 },
        }),
        201,
      ),
    );
    const viaCLI = await viewerSharePreviewSocket(link.path, stranger.headers);
    const viaCookie = await viewerSharePreviewSocket(link.path, stranger.cookieHeaders);
    const closed = closeOf(viaCLI);

    const t0 = performance.now();
    await expectOK(
      await send(
        null,
        req("DELETE /api/auth/sign-ins/{signInId}", { params: { signInId: stranger.cliSignInId }, headers: stranger.cookieHeaders }),
      ),
    );
    await closesInTime("revoke a scoped link viewer's sign-in: preview ws", closed, t0);
    expect(viaCookie.readyState).toBe(WebSocket.OPEN);
    const closedToo = closeOf(viaCookie);
    const t1 = performance.now();
    await expectOK(await send(null, req("POST /api/auth/logout-all", { headers: stranger.cookieHeaders })));
    await closesInTime("logout-all of a scoped link's viewer: preview ws", closedToo, t1);
    await stillAnswers(ownerTerm);
  });

  it("deleting an API token closes the terminal it opened and leaves the user's sign-in connected", async () => {
    const u = await memberOf(s.owner.workspaceId);
    const created = (await expectOK(await api(u, "POST /api/auth/tokens", { body: { name: "revocation test" } }))) as {
      token: string;
      apiToken: { id: string };
    };
    const viaToken = await readyTerminal(s.sessionId, { authorization: `Bearer ${created.token}` }, "u-token");
    const viaSignIn = await readyTerminal(s.sessionId, u.headers, "u-main");
    const closed = closeOf(viaToken.socket);

    const t0 = performance.now();
    await expectOK(await api(u, "DELETE /api/auth/tokens/{tokenId}", { params: { tokenId: created.apiToken.id } }));
    await closesInTime("delete API token: terminal", closed, t0);
    await stillAnswers(viaSignIn);
    await stillAnswers(ownerTerm);
    await viaSignIn.close();
  });
});
describe("members do not reach each other's terminals or forwarded SSH agents", () => {
  const s = sessionOfNewOwner("private", async (owner, name) => (await createSession(owner, { name })).id);
  let member: StackUser;

  beforeAll(async () => {
    member = await createStackUser({ workspaceId: s.owner.workspaceId, role: "member" });
  });
  afterAll(async () => {
    await children.stopAll();
  });

  it("refuses another member's private terminal, and allows it once the owner shares it", async () => {
    const mine = await TerminalClient.open(s.sessionId, s.owner.headers, "?terminal=owner-private");
    mine.send("echo secret-$((6*7))-of-owner\r");
    await mine.waitFor("secret-42-of-owner");

    const theirs = await TerminalClient.open(s.sessionId, member.headers, "?terminal=owner-private");
    const closed = await within(closeOf(theirs.socket), CLOSE_DEADLINE_MS);
    expect(closed?.code, "another member attached to the owner's private terminal").toBe(1008);
    expect(theirs.output).not.toContain("secret-42-of-owner");
    // The owner keeps the terminal, re-attaching as the workbench's tabs do.
    await stillAnswers(mine);
    const again = await TerminalClient.open(s.sessionId, s.owner.headers, "?terminal=owner-private");
    await again.waitFor("secret-42-of-owner");
    await again.close();

    const pair = await TerminalClient.open(s.sessionId, s.owner.headers, "?terminal=pair&shared=1");
    pair.send("echo pair-$((2+3))\r");
    await pair.waitFor("pair-5");
    const joined = await TerminalClient.open(s.sessionId, member.headers, "?terminal=pair");
    await joined.waitFor("pair-5");
    joined.send("echo from-member-$((4+4))\r");
    await pair.waitFor("from-member-8");
    await Promise.all([mine.close(), pair.close(), joined.close()]);
  });

  it("offers a forwarded SSH agent only to the forwarding member's own SSH sessions", async () => {
    const agentWith = async (name: string) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), `flare-agent-${name}-`));
      const sock = path.join(dir, "agent.sock");
      children.start("/usr/bin/ssh-agent", ["-D", "-a", sock], process.env);
      await until(() => existsSync(sock), `${name}'s ssh-agent`);
      const key = path.join(dir, "key");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `key-of-${name}`, "-f", key]);
      execFileSync("/usr/bin/ssh-add", [key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: "ignore" });
      return sock;
    };
    const [ownerAgent, memberAgent] = await Promise.all([agentWith("owner"), agentWith("member")]);
    const [ownerHome, memberHome] = await Promise.all([sshHome(s.owner), sshHome(member)]);
    const waitThenList = (who: string) => `echo ${who}-ready; while [ ! -f .go-${who} ]; do sleep 0.1; done; ssh-add -l; echo ${who}-done`;

    // The member forwards first and waits; then the owner forwards: the newest forwarding
    // connection must not become the agent of the member's shells (nor the other way round).
    const memberSSH = startSSH(memberHome, s.host, waitThenList("member"), { forwardAgent: memberAgent });
    await until(() => memberSSH.output().includes("member-ready"), "the member's ssh session", 30_000);
    const ownerSSH = startSSH(ownerHome, s.host, waitThenList("owner"), { forwardAgent: ownerAgent });
    await until(() => ownerSSH.output().includes("owner-ready"), "the owner's ssh session", 30_000);

    const noAgent = startSSH(memberHome, s.host, "echo sock=$" + "{SSH_AUTH_SOCK:-none}; ssh-add -l; echo listed=$?");
    await noAgent.exited;
    expect(noAgent.output()).toContain("sock=none");
    expect(noAgent.output()).not.toContain("key-of-owner");

    const touch = startSSH(ownerHome, s.host, "touch .go-member .go-owner");
    expect((await touch.exited).code).toBe(0);
    await until(() => memberSSH.output().includes("member-done"), "the member's ssh-add -l", 30_000);
    await until(() => ownerSSH.output().includes("owner-done"), "the owner's ssh-add -l", 30_000);
    expect(memberSSH.output()).toContain("key-of-member");
    expect(memberSSH.output()).not.toContain("key-of-owner");
    expect(ownerSSH.output()).toContain("key-of-owner");
    expect(ownerSSH.output()).not.toContain("key-of-member");
  });
});
