import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DROP = fileURLToPath(new URL("../../src/agent/drop-privileges.ts", import.meta.url));

/** Node with the agent's first module, then a line that prints the ids it ended up with. */
function start(runAs: string) {
  const script = `await import(${JSON.stringify(DROP)}); console.log("ids", process.getuid(), process.geteuid(), process.getgid(), process.getgroups().join(","), process.cwd())`;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, BURSTFLARE_RUN_AS: runAs, BURSTFLARE_WORKSPACE: "/tmp" },
    encoding: "utf8",
    timeout: 30_000,
  });
}

// Runs as root, as the runtime host does (and as every runtime test here).
describe("the agent's own change of uid", () => {
  it("becomes the runtime uid entirely: user, group, no supplementary groups, in the workspace", () => {
    const res = start("65534");
    expect(res.stderr).toBe("");
    // Node lists the effective group among the groups: it is the only one.
    expect(res.stdout).toContain("ids 65534 65534 65534 65534 /tmp");
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
