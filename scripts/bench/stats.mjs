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

/**
 * A row's target, from the issue: `median` / `p95` bound the value (an upper bound when lower is
 * better, a lower bound when higher is better); `ratio` bounds the slowdown against the direct path.
 */
export function targetText(target, better) {
  if (!target) return "-";
  const op = better === "lower" ? "<" : ">";
  const parts = [];
  if (target.median != null) parts.push(`p50${op}${target.median}`);
  if (target.p95 != null) parts.push(`p95${op}${target.p95}`);
  if (target.ratio != null) parts.push(`≤${target.ratio}x`);
  return parts.join(" ");
}

/** true / false against the row's target; null without a target (or without the baseline it needs). */
export function targetMet(row) {
  const t = row.target;
  if (!t) return null;
  const within = (v, bound) => (row.better === "lower" ? v < bound : v > bound);
  const checks = [];
  if (t.median != null) checks.push(within(row.median, t.median));
  if (t.p95 != null) checks.push(within(row.p95, t.p95));
  if (t.ratio != null && row.ratio != null) checks.push(row.ratio <= t.ratio);
  return checks.length ? checks.every(Boolean) : null;
}

/** One row per metric: median, p95, the direct baseline's median, the ratio of medians and the target. */
export function formatTable(rows) {
  const header = ["scenario", "metric", "unit", "n", "median", "p95", "direct median", "ratio", "target", "met"];
  const lines = rows.map((r) => [
    r.scenario,
    r.metric,
    r.unit,
    String(r.n),
    fmt(r.median),
    fmt(r.p95),
    r.direct ? fmt(r.direct.median) : "-",
    r.ratio != null ? `${r.ratio.toFixed(2)}x` : "-",
    targetText(r.target, r.better),
    r.met == null ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => cells.map((c, i) => (i < 3 || i >= 8 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [row(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(row)].join("\n");
}

/** The same table as GitHub markdown, for the README's Performance section. */
export function formatMarkdown(rows) {
  const header = ["scenario", "metric", "median", "p95", "direct median", "ratio", "target", "met"];
  const lines = rows.map((r) => [
    r.scenario,
    `${r.metric} (${r.unit})`,
    fmt(r.median),
    fmt(r.p95),
    r.direct ? fmt(r.direct.median) : "-",
    r.ratio != null ? `${r.ratio.toFixed(2)}x` : "-",
    targetText(r.target, r.better),
    r.met == null ? "" : r.met ? "yes" : "**no**",
  ]);
  return [header, header.map(() => "---"), ...lines].map((l) => `| ${l.join(" | ")} |`).join("\n");
}
