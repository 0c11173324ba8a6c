import { describe, expect, it } from "vitest";
import { newEd25519Key } from "../../runtime/src/agent/ssh/host-key";
import { api, expectOK, until } from "../stack/helpers/api";
import { execAs, ownerSessionForFile, runningIn } from "../stack/helpers/session-work";
import { sshExec, sshToken } from "../stack/helpers/ssh-exec";
import { TerminalClient } from "../stack/helpers/terminal";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * Revocation reaches what a member started even once it left its Unix session: `setsid`, a
 * double fork, a process that keeps forking. Every member's work runs in a group of its own (a
 * cgroup the session's code cannot leave: on the local driver it runs as a uid that owns none of
 * the group files; in a container, as root but without CAP_SYS_ADMIN, where only the agent's helper
 * sees the hierarchy writable), and losing access kills that group. Another member's detached work,
 * and the agent, run on. (revocation-work.test.ts covers work that stays in its Unix session.)
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
    // Two levels below the runtime's group (a container's cgroup namespace root): the member's, then the credential's.
    expect(mine).toMatch(/^(\/[^/]+)*\/u-[0-9a-f]{16}\/c-[0-9a-f]{16}$/);
    expect(mine).not.toBe(ownerGroup.slice(3));
    expect(said).toContain(`after=${mine}`);
    // Each file is there, and none of them takes the session's write.
    expect(said.match(/exists/g)).toHaveLength(5);
    expect(said).not.toMatch(/moved:|killed:|made/);
  });

  it("session code cannot reach the agent or its root helper: no fd of theirs opens, no environment reads", async () => {
    const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
    // The agent holds the helper's pipes and the agent token; the helper, the writable hierarchy.
    // Opening a fd for appending writes nothing (with `true`: a refused redirection of `:`, a special
    // builtin, would end the shell); "[a]" keeps pgrep from matching this shell.
    const script = [
      "for p in $(pgrep -f '[a]gent[.]cjs|[b]f-groups'); do",
      "  echo found:$p",
      "  if cat /proc/$p/environ >/dev/null 2>&1; then echo environ:$p; fi",
      '  for fd in /proc/$p/fd/*; do if true >> "$fd" 2>/dev/null; then echo opened:$fd; fi; done',
      "  if ls /proc/$p/root/ >/dev/null 2>&1; then echo root:$p; fi",
      "done",
    ].join("\n");
    const said = await exec(member, script);
    // The agent and the helper.
    expect(said.match(/found:/g)?.length).toBeGreaterThanOrEqual(2);
    expect(said).not.toMatch(/environ:|opened:|root:/);
  });

  it("session code cannot raise its own memory, process or CPU limits, at its group or above", async () => {
    const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
    // Each cgroup hierarchy mounted here (v1 by controller, cgroup2), at this process's own group
    // and every group above it up to the mount: each limit file found is written its own value,
    // which changes nothing and succeeds wherever raising it would.
    const script = [
      `awk 'NR == FNR { split($0, a, ":"); n = split(a[2], cs, ","); for (i = 1; i <= n; i++) own[cs[i]] = a[3]; if (a[2] == "") own["@v2"] = a[3]; next }`,
      '  { for (i = 7; $i != "-"; i++); type = $(i + 1); n = split($(i + 3), o, ",")',
      '    if (type == "cgroup2" && ("@v2" in own)) print $5, own["@v2"]',
      `    if (type == "cgroup") for (j = 1; j <= n; j++) if (o[j] in own) { print $5, own[o[j]]; break } }' /proc/self/cgroup /proc/self/mountinfo |`,
      "while read -r mnt group; do",
      '  d="$mnt$group"',
      "  while :; do",
      "    for f in memory.max memory.high memory.limit_in_bytes memory.memsw.limit_in_bytes pids.max cpu.max cpu.weight cpu.shares; do",
      '      [ -e "$d/$f" ] || continue',
      "      echo limit:$f",
      '      v=$(cat "$d/$f") && if echo "$v" > "$d/$f" 2>/dev/null; then echo raised:$d/$f; fi',
      "    done",
      '    if [ "$d" = "$mnt" ] || [ "$d" = / ]; then break; fi',
      '    d=$(dirname "$d")',
      "  done",
      "done",
    ].join("\n");
    const said = await exec(member, script);
    for (const kind of ["memory", "pids", "cpu"]) expect(said).toMatch(new RegExp(`limit:${kind}\\.`));
    expect(said).not.toContain("raised:");
  });
});
