import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DROP = fileURLToPath(new URL("../../src/agent/drop-privileges.ts", import.meta.url));
const GROUPS = fileURLToPath(new URL("../../src/agent/exec/member-groups.ts", import.meta.url));

/**
 * Node with the agent's first module, then lines that print the ids it ended up with and what
 * /health would say of member groups. No BURSTFLARE_RUN_AS when runAs is undefined.
 */
function start(runAs: string | undefined) {
  const script = [
    `await import(${JSON.stringify(DROP)});`,
    `console.log("ids", process.getuid(), process.geteuid(), process.getgid(), process.getgroups().join(","), process.cwd());`,
    `const { MemberGroups } = await import(${JSON.stringify(GROUPS)});`,
    `console.log("groups", JSON.stringify(MemberGroups.report()));`,
  ].join("\n");
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, BURSTFLARE_WORKSPACE: "/tmp", ...(runAs === undefined ? {} : { BURSTFLARE_RUN_AS: runAs }) },
    encoding: "utf8",
    timeout: 30_000,
  });
}

// Runs as root, as the runtime host does (and as every runtime test here).
describe("the agent's own change of uid", () => {
  it("becomes the runtime uid entirely: user, group, no supplementary groups, in the workspace", () => {
    const res = start("65534");
    expect(res.stderr).not.toContain("could not become uid");
    // Node lists the effective group among the groups: it is the only one.
    expect(res.stdout).toContain("ids 65534 65534 65534 65534 /tmp");
  });

  // Member groups need the host to name a cgroup2 hierarchy (runtime/test/integration/member-groups.test.ts
  // has them on); without one, or where session code runs as the agent's own user (root in a
  // container), the agent says they are off and why, at start and in /health.
  it("says member groups are off, and why, when the host named no cgroup2 hierarchy", () => {
    const res = start("65534");
    const reason = "the host named no cgroup2 hierarchy with cgroup.kill (BURSTFLARE_CGROUP2)";
    expect(res.stderr).toContain(`agent: member groups off: ${reason}`);
    expect(res.stdout).toContain(`groups ${JSON.stringify({ on: false, reason })}`);
  });

  it("says member groups are off, and why, when it keeps its own user (the containers driver)", () => {
    const res = start(undefined);
    const reason = "the session's code runs as the agent's own user (root), so it could leave any group";
    expect(res.stdout).toContain("ids 0 0 0");
    expect(res.stderr).toContain(`agent: member groups off: ${reason}`);
    expect(res.stdout).toContain(`groups ${JSON.stringify({ on: false, reason })}`);
  });

  it("ends rather than run on as root when the uid is missing, root's, or not a number", () => {
    for (const bad of ["0", "", "65534x", "-1"]) {
      const res = start(bad);
      expect(res.status, bad).toBe(1);
      expect(res.stdout).not.toContain("ids");
      expect(res.stderr).toContain("could not become uid");
    }
  });
});
