import { describe, expect, it } from "vitest";
import { newEd25519Key } from "../../runtime/src/agent/ssh/host-key";
import { api, expectOK, until } from "../stack/helpers/api";
import { execAs, ownerSessionForFile, runningIn } from "../stack/helpers/session-work";
import { sshExec, sshToken } from "../stack/helpers/ssh-exec";
import { TerminalClient } from "../stack/helpers/terminal";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * Revocation reaches what a member started even once it left its Unix session: `setsid`, a
 * double fork, a process that keeps forking. Every member's work runs in a group of its own on the
 * local driver (a cgroup the session's uid cannot leave), and losing access kills that group.
 * Another member's detached work, and the agent, run on. (revocation-work.test.ts covers work that
 * stays in its Unix session.)
 */

const session = ownerSessionForFile("revoke-detached");
const exec = (user: StackUser, script: string) => execAs(user, session.sessionId, script);
const running = (pid: number) => runningIn(session.owner, session.sessionId, pid);

/**
 * A shell line that leaves its Unix session and process group (`setsid`, stdio closed) running
 * `sleep <marker>`, and prints `<tag>-pid-<its pid>-end` once the pid file is there.
 */
const detachLine = (tag: string, marker: number) =>
  `rm -f /tmp/${tag}.pid; setsid sh -c 'echo $$ > /tmp/${tag}.pid; exec sleep ${marker}' </dev/null >/dev/null 2>&1 & ` +
  `while [ ! -s /tmp/${tag}.pid ]; do sleep 0.05; done; echo ${tag}-pid-$(cat /tmp/${tag}.pid)-end`;

const pidIn = (text: string, tag: string) => Number(new RegExp(`${tag}-pid-(\\d+)-end`).exec(text)?.[1]);

/** How many processes of the session run `sleep <marker>`. */
async function countSleeping(marker: number): Promise<number> {
  // "[s]leep" keeps the pattern from matching the command line of the grep (and shell) looking.
  const script = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; echo; done 2>/dev/null | grep -c '[s]leep ${marker}' || true`;
  return Number(await exec(session.owner, script));
}

async function detachViaTerminal(user: StackUser, tag: string, marker: number): Promise<number> {
  const term = await TerminalClient.open(session.sessionId, user.headers, `?terminal=${tag}`);
  session.terminals.push(term);
  term.send(`${detachLine(tag, marker)}\r`);
  await term.waitFor(new RegExp(`${tag}-pid-\\d+-end`));
  return pidIn(term.output, tag);
}

async function detachViaSSH(user: StackUser, tag: string, marker: number): Promise<number> {
  const keys = newEd25519Key(tag);
  await expectOK(await api(user, "POST /api/auth/ssh-keys", { body: { publicKey: keys.public, name: tag } }));
  const { token, sshUser } = await sshToken(user, session.sessionId);
  const { out } = await sshExec(session.sessionId, { token, username: sshUser, privateKey: keys.private }, detachLine(tag, marker));
  return pidIn(out, tag);
}

describe("revocation ends a member's detached processes", () => {
  it("removing a member kills what they detached through a terminal, a command, a background process and SSH; another member's runs on", async () => {
    const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
    const ownerDetached = pidIn(await exec(session.owner, detachLine("owner-cmd", 100001)), "owner-cmd");
    const ownerInTerminal = await detachViaTerminal(session.owner, "owner-term", 100001);

    const viaTerminal = await detachViaTerminal(member, "member-term", 100002);
    // A double fork: the middle process exits at once, its child is left to the runtime's init.
    const viaCommand = pidIn(await exec(member, `(${detachLine("member-cmd", 100002)}) & wait`), "member-cmd");
    const viaSSH = await detachViaSSH(member, "member-ssh", 100002);
    // One that keeps forking new detached children while the revocation runs.
    await expectOK(
      await api(member, "POST /api/sessions/{sessionId}/processes", {
        params: { sessionId: session.sessionId },
        body: {
          command:
            "setsid sh -c 'while :; do setsid sleep 100003 </dev/null >/dev/null 2>&1 & sleep 0.05; done' </dev/null >/dev/null 2>&1 &",
        },
      }),
      201,
    );
    await until(async () => (await countSleeping(100003)) >= 3, "the member's forking loop has started children");
    for (const pid of [viaTerminal, viaCommand, viaSSH]) expect(await running(pid)).toBe(true);

    await expectOK(await api(session.owner, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: member.userId } }));

    await until(
      async () => (await countSleeping(100002)) === 0 && (await countSleeping(100003)) === 0,
      "the removed member's detached processes end",
    );
    for (const pid of [viaTerminal, viaCommand, viaSSH]) expect(await running(pid)).toBe(false);
    // Nothing of theirs comes back: the forking loop died with its children.
    expect(await countSleeping(100003)).toBe(0);
    expect(await running(ownerDetached)).toBe(true);
    expect(await running(ownerInTerminal)).toBe(true);
    // And the removed member cannot start anything again.
    const again = await api(member, "POST /api/sessions/{sessionId}/exec", {
      params: { sessionId: session.sessionId },
      body: { argv: ["true"] },
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
  });

  it("deleting an API token kills what its commands detached; the same user's sign-in work runs on", async () => {
    const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
    const created = (await expectOK(await api(member, "POST /api/auth/tokens", { body: { name: "detached" } }))) as {
      token: string;
      apiToken: { id: string };
    };
    const viaToken: StackUser = { ...member, headers: { authorization: `Bearer ${created.token}` } };
    const tokenDetached = pidIn(await exec(viaToken, detachLine("token-cmd", 100004)), "token-cmd");
    const signInDetached = pidIn(await exec(member, detachLine("signin-cmd", 100005)), "signin-cmd");
    const inTerminal = await detachViaTerminal(viaToken, "token-term", 100006);
    for (const pid of [tokenDetached, signInDetached, inTerminal]) expect(await running(pid)).toBe(true);

    await expectOK(await api(member, "DELETE /api/auth/tokens/{tokenId}", { params: { tokenId: created.apiToken.id } }));

    await until(async () => !(await running(tokenDetached)), "the token's detached process ends");
    expect(await running(signInDetached)).toBe(true);
    // A terminal's shell belongs to its user, who kept access: so does what it detached.
    expect(await running(inTerminal)).toBe(true);
  });

  it("session code cannot leave its member's group, enter another's, or kill one", async () => {
    const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
    const ownerGroup = await exec(session.owner, "grep '^0::' /proc/self/cgroup");
    const script = [
      "mine=$(grep '^0::' /proc/self/cgroup | cut -d: -f3)",
      "root=$(awk '$9 == \"cgroup2\" { print $5; exit }' /proc/self/mountinfo)",
      "echo group=$mine",
      // Up to the runtime's own group, into the owner's group, and a kill of both.
      'for f in "$root$(dirname "$(dirname "$mine")")/cgroup.procs" "$root$(dirname "$mine")/cgroup.procs" "$root$OWNER/cgroup.procs"; do',
      '  [ -e "$f" ] && echo exists',
      '  if echo $$ > "$f" 2>/dev/null; then echo moved:$f; fi',
      "done",
      'for f in "$root$(dirname "$mine")/cgroup.kill" "$root$OWNER/cgroup.kill"; do',
      '  [ -e "$f" ] && echo exists',
      '  if echo 1 > "$f" 2>/dev/null; then echo killed:$f; fi',
      "done",
      'if mkdir "$root$mine/escape" 2>/dev/null; then echo made; fi',
      "echo after=$(grep '^0::' /proc/self/cgroup | cut -d: -f3)",
    ].join("\n");
    const said = await exec(member, `OWNER=${ownerGroup.slice(3)}\n${script}`);
    const mine = /group=(\S+)/.exec(said)?.[1] ?? "";
    // Two levels below the runtime's group: the member's, then the credential's.
    expect(mine).toMatch(/^\/.+\/[^/]+\/[^/]+$/);
    expect(mine).not.toBe(ownerGroup.slice(3));
    expect(said).toContain(`after=${mine}`);
    // Each file is there, and none of them takes the session's write.
    expect(said.match(/exists/g)).toHaveLength(5);
    expect(said).not.toMatch(/moved:|killed:|made/);
  });
});
