/**
 * Imported first by main.ts, before anything opens a file or a socket. The sandbox starts the
 * agent as root holding only CAP_SETUID and CAP_SETGID and names its runtime uid in
 * BURSTFLARE_RUN_AS; the agent changes to that uid here. Because the change happens after the
 * agent's exec, the kernel keeps it non-dumpable: the session's code runs as the same uid but
 * can neither read /proc/<agent>/environ (the agent token) nor attach a debugger to it. Anything
 * short of the full change ends the agent, never leaving it running as root. Where the host names
 * the cgroup2 hierarchy (BURSTFLARE_CGROUP2), the member groups' root helper starts first
 * (exec/member-groups.ts); failing to start it ends the agent as well.
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
}
