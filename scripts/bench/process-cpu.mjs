// CPU time of processes by name within one process group, from /proc (Linux only). workerd runs
// the frames between the tunnel's two WebSockets in C++, out of reach of a JavaScript profile, so
// `--profile` measures that hop as workerd's CPU seconds per MB moved.
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms (user + system) used so far by the processes named `comm` in process group `pgid`; null off Linux. */
export function groupCPUms(pgid, comm) {
  let entries;
  try {
    entries = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  let ticks = 0;
  for (const pid of entries) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // fields[0] is state (field 3); pgrp is field 5, utime 14, stime 15.
    if (name !== comm || Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

/** Adds up the CPU a process group's `comm` processes spend during each measured call. */
export function cpuMeter(pgid, comm) {
  const totals = new Map();
  return {
    async measure(key, fn) {
      const before = pgid ? groupCPUms(pgid, comm) : null;
      const result = await fn();
      const after = pgid ? groupCPUms(pgid, comm) : null;
      if (before !== null && after !== null) totals.set(key, (totals.get(key) ?? 0) + after - before);
      return result;
    },
    totals,
  };
}
