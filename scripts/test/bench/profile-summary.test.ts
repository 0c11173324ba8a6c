import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { groupCPUms } from "../../bench/process-cpu.mjs";
import { formatSummary, profileFiles, selfTimes, summarize } from "../../bench/profile-summary.mjs";

const frame = (functionName: string, url = "", lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: "0" });

/** root → work (node 2), root → (idle) (node 3), root → (garbage collector) (node 4). */
const profile = {
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 3, 4] },
    { id: 2, callFrame: frame("work", "file:///x/node_modules/ssh2/lib/protocol/crypto.js", 9) },
    { id: 3, callFrame: frame("(idle)") },
    { id: 4, callFrame: frame("(garbage collector)") },
  ],
  startTime: 0,
  endTime: 1000,
  samples: [2, 2, 3, 4, 2],
  // The first delta leads up to sample 0; each sample lasts until the next one.
  timeDeltas: [0, 100, 200, 300, 50, 0],
};

describe("profile-summary", () => {
  it("charges each sample the time until the next one, by function and place", () => {
    const times = selfTimes(profile);
    expect(times.get("work protocol/crypto.js:10")).toBe(100 + 200 + 0);
    expect(times.get("(idle)")).toBe(300);
    expect(times.get("(garbage collector)")).toBe(50);
  });

  it("ranks by self time over busy time (idle left out), adding up several files", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bf-prof-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, "a.cpuprofile"), JSON.stringify(profile));
    writeFileSync(path.join(dir, "b.cpuprofile"), JSON.stringify(profile));
    writeFileSync(path.join(dir, "notes.txt"), "not a profile");
    const files = profileFiles([dir]);
    expect(files).toHaveLength(2);
    const summary = summarize(files, { top: 1 });
    expect(summary.busyMs).toBeCloseTo((2 * 350) / 1000);
    expect(summary.rows).toEqual([{ name: "work protocol/crypto.js:10", ms: 0.6, share: 600 / 700 }]);
    expect(formatSummary(summary, { mb: 1 })).toContain("0.7 ms per MB over 1 MB");
  });
});

describe("process-cpu", () => {
  it("counts the CPU of the named processes of one group only", async () => {
    // A shell that spins for a while in a group of its own.
    const child = spawn("sh", ["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"], { detached: true, stdio: "ignore" });
    const pgid = child.pid!;
    let seen = 0;
    const done = new Promise((r) => child.on("exit", r));
    // Sampled while it runs: once it exits, /proc no longer lists it.
    while (child.exitCode === null) {
      seen = Math.max(seen, groupCPUms(pgid, "sh") ?? 0);
      expect(groupCPUms(pgid, "workerd")).toBe(0);
      await new Promise((r) => setTimeout(r, 20));
    }
    await done;
    expect(seen).toBeGreaterThan(0);
  });
});
