// The bench's one statistics module: every scenario's samples go through these definitions, so
// "median" and "p95" mean the same thing in every row (and in the README table built from them).

/** Below this many samples a p95 is one of the two or three slowest values, not a percentile: not reported. */
export const P95_MIN_N = 20;

/** Nearest-rank percentile: the smallest sample with at least p% of the samples at or below it. */
export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The nearest-rank 50th percentile (for an even n, the lower of the two middle samples). */
export const median = (samples) => percentile(samples, 50);

/** n, median and p95 (null when n < P95_MIN_N). */
export function summarize(samples) {
  const n = samples.length;
  return { n, median: median(samples), p95: n >= P95_MIN_N ? percentile(samples, 95) : null };
}

export const fmt = (v) =>
  v == null || !Number.isFinite(v) ? "-" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

/** The p95 cell: the value, or why there is none. */
export const p95Text = (row) => (row.p95 == null ? `n<${P95_MIN_N}` : fmt(row.p95));

/** "median (n=…)" of the direct baseline, or "-". */
export const directText = (row) => (row.direct ? `${fmt(row.direct.median)} (n=${row.direct.n})` : "-");

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

/**
 * true / false against the row's target; null when nothing can be judged (no target, no baseline
 * for a ratio, or a p95 bound with too few samples for a p95). Any judged check failing is false.
 */
export function targetMet(row) {
  const t = row.target;
  if (!t) return null;
  const within = (v, bound) => (row.better === "lower" ? v < bound : v > bound);
  const checks = [];
  if (t.median != null) checks.push(within(row.median, t.median));
  if (t.p95 != null && row.p95 != null) checks.push(within(row.p95, t.p95));
  if (t.ratio != null && row.ratio != null) checks.push(row.ratio <= t.ratio);
  return checks.length ? checks.every(Boolean) : null;
}

/** Builds one result row from a scenario's result (samples → n/median/p95, baseline, ratio, target). */
export function toRow(driver, scenario, result) {
  const s = summarize(result.samples);
  const direct = result.direct?.length ? summarize(result.direct) : null;
  const row = {
    driver,
    scenario,
    metric: result.metric,
    unit: result.unit,
    better: result.better,
    ...s,
    direct,
    // >1 means the proxied path is slower (ms) or carries less (MB/s) than the direct one.
    ratio: direct ? (result.better === "lower" ? s.median / direct.median : direct.median / s.median) : null,
    target: result.target ?? null,
    // Transfers that were cut and run again; their samples are the retried ones.
    retries: result.retries ?? 0,
    ...(result.info ? { info: result.info } : {}),
  };
  row.met = targetMet(row);
  return row;
}

const metText = (r) => (r.met == null ? "" : r.met ? "yes" : "NO");

/** The figures both tables show after the metric: n, median, p95, direct, ratio, retries, target. */
const figureCells = (r) => [
  String(r.n),
  fmt(r.median),
  p95Text(r),
  directText(r),
  r.ratio != null ? `${r.ratio.toFixed(2)}x` : "-",
  String(r.retries ?? 0),
  targetText(r.target, r.better),
];

/** One row per metric: driver, n beside median and p95, the direct baseline (with its n), ratio, retries and target. */
export function formatTable(rows) {
  const header = ["driver", "scenario", "metric", "unit", "n", "median", "p95", "direct median", "ratio", "retries", "target", "met"];
  const lines = rows.map((r) => [r.driver, r.scenario, r.metric, r.unit, ...figureCells(r), metText(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => cells.map((c, i) => (i < 4 || i >= 10 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [row(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(row)].join("\n");
}

/** The same table as GitHub markdown (scripts/bench-readme.mjs puts it in the README). */
export function formatMarkdown(rows) {
  const header = ["driver", "scenario", "metric", "n", "median", "p95", "direct median (n)", "ratio", "retries", "target", "met"];
  const lines = rows.map((r) => [
    r.driver,
    r.scenario,
    `${r.metric} (${r.unit})`,
    ...figureCells(r),
    r.met == null ? "" : r.met ? "yes" : "**no**",
  ]);
  // A "|" inside a cell (e.g. "tar | gzip -1") would end the cell.
  const escaped = [header, ...lines].map((l) => l.map((c) => c.replaceAll("|", "\\|")));
  // Columns padded as the repository's formatter (biome) lays markdown tables out, so it leaves them alone.
  const widths = header.map((_, i) => Math.max(3, ...escaped.map((l) => l[i].length)));
  const row = (l) => `| ${l.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const [head, ...body] = escaped;
  return [row(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...body.map(row)].join("\n");
}
