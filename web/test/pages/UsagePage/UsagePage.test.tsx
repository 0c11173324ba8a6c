import { PLAN_LIMITS, type PlanInfo, type Usage } from "@burstflare/sdk/schemas/workspaces";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsagePageView } from "../../../src/pages/UsagePage/UsagePageView";
import { buildMinutesCumulative, formatBytes, perUserTotals } from "../../../src/pages/UsagePage/usage-series";

afterEach(cleanup);

const zero = { runtime_seconds: 0, build_seconds: 0, snapshot_bytes: 0 };

function usage(daily: Usage["daily"], over: Partial<Usage> = {}): Usage {
  return {
    days: daily.length,
    from: daily[0]?.day ?? "",
    to: daily[daily.length - 1]?.day ?? "",
    daily,
    byUser: [],
    totals: zero,
    limits: PLAN_LIMITS.free,
    usage: { runningSessions: 0, totalSessions: 0, templates: 0, snapshotBytes: 0, buildMinutes: 0, activeBuilds: 0, templateBytes: 0 },
    ...over,
  };
}

describe("usage series", () => {
  it("build minutes run up within a month, reset at a new month, and end at the server's monthly count", () => {
    const u = usage(
      [
        { day: "2026-10-30", ...zero, build_seconds: 600 },
        { day: "2026-10-31", ...zero, build_seconds: 1200 },
        { day: "2026-11-01", ...zero, build_seconds: 120 },
        { day: "2026-11-02", ...zero, build_seconds: 0 },
        { day: "2026-11-03", ...zero, build_seconds: 300 },
      ],
      {
        usage: { runningSessions: 0, totalSessions: 0, templates: 0, snapshotBytes: 0, buildMinutes: 7, activeBuilds: 0, templateBytes: 0 },
      },
    );
    expect(buildMinutesCumulative(u).map((p) => p.value)).toEqual([10, 30, 2, 2, 7]);
  });

  it("per-user totals sum flows and keep the latest storage reading", () => {
    const rows = [
      { day: "2026-11-01", userId: "u1", email: "a@x", runtime_seconds: 60, build_seconds: 0, snapshot_bytes: 100 },
      { day: "2026-11-02", userId: "u1", email: "a@x", runtime_seconds: 30, build_seconds: 60, snapshot_bytes: 50 },
      { day: "2026-11-02", userId: "u2", email: "b@x", runtime_seconds: 3600, build_seconds: 0, snapshot_bytes: 0 },
    ];
    expect(perUserTotals({ byUser: rows })).toEqual([
      { userId: "u2", email: "b@x", runtimeSeconds: 3600, buildSeconds: 0, snapshotBytes: 0 },
      { userId: "u1", email: "a@x", runtimeSeconds: 90, buildSeconds: 60, snapshotBytes: 50 },
    ]);
    expect(formatBytes(2 * 1024 ** 3)).toBe("2.0 GiB");
    expect(formatBytes(512)).toBe("512 B");
  });
});

describe("UsagePageView", () => {
  const plan: PlanInfo = {
    plan: "free",
    planLimits: PLAN_LIMITS.free,
    overrides: { runningSessions: 3 },
    limits: { ...PLAN_LIMITS.free, runningSessions: 3 },
    usage: {
      runningSessions: 3,
      totalSessions: 4,
      templates: 1,
      snapshotBytes: 1024,
      buildMinutes: 150,
      activeBuilds: 1,
      templateBytes: 0,
    },
  };
  const days = [
    { day: "2026-11-01", ...zero, build_seconds: 100 * 60, snapshot_bytes: 1024, runtime_seconds: 7200 },
    { day: "2026-11-02", ...zero, build_seconds: 50 * 60, snapshot_bytes: 1024, runtime_seconds: 1800 },
  ];

  it("draws each metric over time with the quota as a reference line and flags going over", () => {
    const onPlan = vi.fn();
    render(
      <UsagePageView
        plan={plan}
        usage={usage(days, { usage: plan.usage })}
        loading={false}
        error={null}
        days={30}
        onDays={() => {}}
        canChangePlan
        changePlan={{ run: onPlan, pending: false, error: null }}
      />,
    );
    const build = screen.getByTestId("chart-build-minutes");
    expect(within(build).getByTestId("chart-build-minutes-quota").textContent).toContain("120");
    // 150 minutes this month against 120: the caption says so.
    expect(within(build).getByText(/peak 150 min of 120 min/).className).toContain("usage-over");
    expect(build.querySelectorAll("circle")).toHaveLength(2);
    const runtime = screen.getByTestId("chart-runtime");
    expect([...runtime.querySelectorAll("rect")].map((r) => r.getAttribute("data-value"))).toEqual(["2", "0.5"]);
    expect(within(runtime).queryByTestId("chart-runtime-quota")).toBeNull();

    const meter = screen.getByRole("meter", { name: "Running sessions" });
    expect(meter.getAttribute("aria-valuenow")).toBe("3");
    expect(meter.className).toContain("high");
    expect(screen.getByText("override")).toBeTruthy();

    fireEvent.change(screen.getByTestId("plan-select"), { target: { value: "pro" } });
    expect(onPlan).toHaveBeenCalledWith("pro");
  });

  it("hides the plan picker from non-owners", () => {
    render(
      <UsagePageView
        plan={plan}
        usage={usage(days)}
        loading={false}
        error={null}
        days={7}
        onDays={() => {}}
        canChangePlan={false}
        changePlan={{ run: () => {}, pending: false, error: null }}
      />,
    );
    expect(screen.queryByTestId("plan-select")).toBeNull();
  });
});
