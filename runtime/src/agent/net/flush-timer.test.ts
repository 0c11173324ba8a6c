import { afterEach, describe, expect, it, vi } from "vitest";
import { FlushTimer } from "./flush-timer";

describe("FlushTimer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("flushes on the next turn after a quiet spell, once for many requests", async () => {
    const flush = vi.fn();
    const timer = new FlushTimer(flush, 4);
    timer.schedule();
    timer.schedule();
    expect(flush).not.toHaveBeenCalled();
    await new Promise((r) => setImmediate(r));
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it("waits the window while flushes follow each other closely, and not after a quiet spell", () => {
    vi.useFakeTimers();
    let now = 1000;
    const flush = vi.fn();
    const timer = new FlushTimer(flush, 4, () => now);
    timer.schedule();
    vi.advanceTimersToNextTimer(); // the immediate
    expect(flush).toHaveBeenCalledTimes(1);
    // More data 1 ms later: a flood, held for the window.
    now += 1;
    timer.schedule();
    vi.advanceTimersByTime(3);
    expect(flush).toHaveBeenCalledTimes(1);
    now += 4;
    vi.advanceTimersByTime(1);
    expect(flush).toHaveBeenCalledTimes(2);
    // Quiet for longer than the window: next turn again, with no timer to wait for.
    now += 50;
    timer.schedule();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersToNextTimer();
    expect(flush).toHaveBeenCalledTimes(3);
  });

  it("flushNow runs at once and drops the scheduled flush; cancel drops it", () => {
    vi.useFakeTimers();
    const flush = vi.fn();
    const timer = new FlushTimer(flush, 4, () => 0);
    timer.schedule();
    timer.flushNow();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(timer.scheduled).toBe(false);
    vi.runAllTimers();
    expect(flush).toHaveBeenCalledTimes(1);
    timer.schedule();
    timer.cancel();
    vi.runAllTimers();
    expect(flush).toHaveBeenCalledTimes(1);
  });
});
