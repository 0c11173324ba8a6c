import { describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs scripts carry no type declarations
import { median, P95_MIN_N, percentile, summarize, targetMet, toRow } from "../bench/stats.mjs";
// @ts-expect-error plain .mjs scripts carry no type declarations
import { END, mergeResults, renderSection, replaceSection, START } from "../bench-readme.mjs";

const results = (at: string, rows: unknown[]) => ({
  at,
  driver: "local",
  runs: 3,
  totalSeconds: 42,
  machine: { cpus: 2, model: "Test CPU", loadAverage: [0.5, 0.4, 0.3] },
  results: rows,
  failures: [],
});

describe("bench stats", () => {
  it("has one nearest-rank median and p95, and no p95 below 20 samples", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(twenty, 95)).toBe(19);
    expect(summarize(twenty)).toEqual({ n: 20, median: 10, p95: 19 });
    expect(summarize(twenty.slice(0, P95_MIN_N - 1)).p95).toBeNull();
  });

  it("does not judge a p95 target it has no p95 for, and labels each row with its driver", () => {
    const few = toRow("local", "api", { metric: "m", unit: "ms", better: "lower", samples: [1, 2, 3], target: { p95: 25 } });
    expect(few).toMatchObject({ driver: "local", n: 3, p95: null, met: null, retries: 0 });
    const many = toRow("containers", "api", {
      metric: "m",
      unit: "ms",
      better: "lower",
      samples: Array.from({ length: 40 }, () => 30),
      target: { p95: 25 },
      retries: 2,
    });
    expect(many).toMatchObject({ driver: "containers", p95: 30, met: false, retries: 2 });
    expect(targetMet({ target: { ratio: 2 }, better: "higher", median: 1, p95: null, ratio: null })).toBeNull();
  });
});

describe("scripts/bench-readme.mjs", () => {
  const rowA = toRow("local", "api-load", { metric: "first page", unit: "ms", better: "lower", samples: [10, 12, 11] });
  const rowB = toRow("local", "session-list", {
    metric: "idle dashboard",
    unit: "req/min",
    better: "lower",
    samples: Array.from({ length: 20 }, () => 0),
  });

  it("renders n beside each figure, says n<20 instead of a p95, and names the runs", () => {
    const section = renderSection([results("2026-12-06T23:00:00.000Z", [rowA, rowB])]);
    expect(section.startsWith(START)).toBe(true);
    expect(section.endsWith(END)).toBe(true);
    // Cells are padded to their column (the repository's markdown formatter keeps them so); compare without the padding.
    const rows = section.split("\n").map((l: string) => l.replace(/ {2,}/g, " "));
    expect(rows).toContain("| local | api-load | first page (ms) | 3 | 11.0 | n<20 | - | - | 0 | - | |");
    expect(rows.find((l: string) => l.includes("idle dashboard"))).toContain(
      "| local | session-list | idle dashboard (req/min) | 20 | 0.00 | 0.00 |",
    );
    const widths = section
      .split("\n")
      .filter((l: string) => l.startsWith("|"))
      .map((l: string) => l.length);
    expect(new Set(widths).size).toBe(1);
    expect(section).toContain(
      "- 2026-12-06 23:00 UTC: api-load, session-list; local driver, `--runs 3`, 2 × Test CPU, load average 0.5, 42 s",
    );
  });

  it("escapes a | inside a cell so the table keeps its columns", () => {
    const piped = toRow("local", "snapshot", { metric: "save (vs tar | gzip -1)", unit: "MB/s", better: "higher", samples: [1] });
    const line = renderSection([results("2026-12-06T23:00:00.000Z", [piped])])
      .split("\n")
      .find((l: string) => l.includes("save"));
    expect(line).toContain("save (vs tar \\| gzip -1) (MB/s)");
    expect(line.replaceAll("\\|", "").split("|")).toHaveLength(13);
  });

  it("merges results files, the later row winning", () => {
    const newer = { ...rowA, median: 99, n: 7 };
    const merged = mergeResults([results("2026-12-06T23:00:00.000Z", [rowA, rowB]), results("2026-12-07T00:00:00.000Z", [newer])]);
    expect(merged).toHaveLength(2);
    expect(merged.find((r: { scenario: string }) => r.scenario === "api-load")).toMatchObject({ median: 99, n: 7 });
  });

  it("replaces only the marked block, and refuses a README without markers", () => {
    const readme = `# Title\n\nbefore\n\n${START}\nold table\n${END}\n\nafter\n`;
    const out = replaceSection(readme, `${START}\nnew\n${END}`);
    expect(out).toBe(`# Title\n\nbefore\n\n${START}\nnew\n${END}\n\nafter\n`);
    expect(() => replaceSection("# no markers", "x")).toThrow(/markers/);
  });
});
