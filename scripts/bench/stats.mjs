// Small statistics for bench samples (milliseconds or MB/s).

export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (samples) => percentile(samples, 50);

export function summarize(samples) {
  return { n: samples.length, median: median(samples), p95: percentile(samples, 95) };
}

const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)) : "-");

/** One row per metric: median, p95, the direct baseline's median and the ratio of medians. */
export function formatTable(rows) {
  const header = ["scenario", "metric", "unit", "n", "median", "p95", "direct median", "ratio"];
  const lines = rows.map((r) => [
    r.scenario,
    r.metric,
    r.unit,
    String(r.n),
    fmt(r.median),
    fmt(r.p95),
    r.direct ? fmt(r.direct.median) : "-",
    r.ratio != null ? `${r.ratio.toFixed(2)}x` : "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [row(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(row)].join("\n");
}
