#!/usr/bin/env node
// Turns V8 CPU profiles (`node --cpu-prof`, or `npm run bench -- --profile`) into a top-N
// self-time table, so the README's profile summaries can be made again from the files.
//   node scripts/bench/profile-summary.mjs [--top 15] [--mb 200] file.cpuprofile|dir …
// With several files (or a folder) their samples are added up. --mb divides busy CPU by the
// megabytes moved, for a CPU-per-MB figure.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

/** Self time (µs) per function of one parsed .cpuprofile, keyed by name and place. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; the next delta is how long sample i lasted.
    const dt = timeDeltas[i + 1] ?? 0;
    const node = byId.get(samples[i]);
    if (!node || dt <= 0) continue;
    const key = label(node.callFrame);
    times.set(key, (times.get(key) ?? 0) + dt);
  }
  return times;
}

function label({ functionName, url, lineNumber }) {
  const name = functionName || "(anonymous)";
  if (!url) return name;
  // node_modules/<pkg>/… and node:… say where it is; absolute checkout paths would only be noise.
  const short = url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "");
  return `${name} ${path.basename(path.dirname(short))}/${path.basename(short)}:${lineNumber + 1}`;
}

/** Folders become the .cpuprofile files inside them. */
export function profileFiles(inputs) {
  return inputs.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith(".cpuprofile"))
          .map((f) => path.join(p, f))
      : [p],
  );
}

/** Rows of the summary: busy time (idle excluded), and each function's share of it. */
export function summarize(files, { top = 15 } = {}) {
  const total = new Map();
  for (const file of files) {
    for (const [k, v] of selfTimes(JSON.parse(readFileSync(file, "utf8")))) total.set(k, (total.get(k) ?? 0) + v);
  }
  total.delete("(idle)");
  const busyUs = [...total.values()].reduce((a, b) => a + b, 0);
  const rows = [...total.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs ? us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, rows };
}

export function formatSummary({ busyMs, rows }, { mb = null, title = "" } = {}) {
  const perMB = mb ? `, ${(busyMs / mb).toFixed(1)} ms per MB over ${mb} MB` : "";
  const lines = [
    `${title ? `${title}: ` : ""}busy ${busyMs.toFixed(0)} ms CPU${perMB}`,
    "| self ms | % busy | function |",
    "| ---: | ---: | --- |",
  ];
  for (const r of rows) lines.push(`| ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)} | ${r.name.replace(/\|/g, "\\|")} |`);
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: "string", default: "15" }, mb: { type: "string" } },
  });
  if (positionals.length === 0) {
    console.error("usage: profile-summary.mjs [--top N] [--mb MB] file.cpuprofile|dir …");
    process.exit(2);
  }
  const files = profileFiles(positionals);
  if (files.length === 0) {
    console.error("no .cpuprofile files found");
    process.exit(1);
  }
  console.log(formatSummary(summarize(files, { top: Number(values.top) }), { mb: values.mb ? Number(values.mb) : null }));
}
