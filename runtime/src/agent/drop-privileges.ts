/**
 * Imported first by main.ts, before anything opens a file or a socket. The sandbox starts the
 * agent as root holding only CAP_SETUID and CAP_SETGID and names its runtime uid in
 * BURSTFLARE_RUN_AS; the agent changes to that uid here. Because the change happens after the
 * agent's exec, the kernel keeps it non-dumpable: the session's code runs as the same uid but
 * can neither read /proc/<agent>/environ (the agent token) nor attach a debugger to it. Anything
 * short of the full change ends the agent, never leaving it running as root. Where the host names
 * the cgroup2 hierarchy (BURSTFLARE_CGROUP2), the member groups' root helper starts first
 * (exec/member-groups.ts); failing to start it ends the agent as well. In a container the agent
 * keeps root and takes over the helper runtime/container-start.sh started, where the container
 * engine set one up. Otherwise member groups are off, and the agent says why.
 */
import { MemberGroups } from "./exec/member-groups";

const target = process.env.BURSTFLARE_RUN_AS;
const cgroup2 = process.env.BURSTFLARE_CGROUP2;
delete process.env.BURSTFLARE_CGROUP2;
if (target !== undefined) {
  delete process.env.BURSTFLARE_RUN_AS;
  const uid = Number(target);
  try {
    if (!Number.isInteger(uid) || uid <= 0) throw new Error(`not a runtime uid: ${JSON.stringify(target)}`);
    // The one thing that needs root later: the helper that keeps each member's processes in their group.
    if (cgroup2) MemberGroups.open(cgroup2);
    else MemberGroups.off("the host named no cgroup2 hierarchy with cgroup.kill (BURSTFLARE_CGROUP2)");
    process.setgroups?.([]);
    process.setgid?.(uid);
    process.setuid?.(uid);
    const ids = [process.getuid?.(), process.geteuid?.(), process.getgid?.(), process.getegid?.()];
    if (ids.some((id) => id !== uid)) throw new Error(`ids after the change: ${ids.join(",")}`);
    process.chdir(process.env.BURSTFLARE_WORKSPACE ?? "/");
  } catch (err) {
    process.stderr.write(`agent: could not become uid ${target}: ${(err as Error).message}\n`);
    process.exit(1);
  }
} else {
  // The containers driver: the agent and the session's shells run as one user, root. Member groups
  // work only where the engine set up a helper (BURSTFLARE_MEMBER_GROUPS, runtime/container-start.sh).
  const groups = process.env.BURSTFLARE_MEMBER_GROUPS;
  delete process.env.BURSTFLARE_MEMBER_GROUPS;
  if (groups === "fds") {
    try {
      // A change of effective group makes the kernel mark the agent non-dumpable (suid_dumpable is 0
      // unless the machine says otherwise): the session's code, root as the agent is but without
      // CAP_SYS_PTRACE, then can neither trace it nor open its fds (the helper's pipes) or environ.
      process.setegid?.(65534);
      process.setegid?.(0);
      MemberGroups.adopt();
    } catch (err) {
      process.stderr.write(`agent: could not take over the member groups helper: ${(err as Error).message}\n`);
      process.exit(1);
    }
  } else {
    const root = process.getuid?.() === 0 ? " (root)" : "";
    const platform = groups === "ask" ? "the container platform gave it no member groups helper and " : "";
    MemberGroups.off(`${platform}the session's code runs as the agent's own user${root}, so it could leave any group`);
  }
}
