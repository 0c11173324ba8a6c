import { afterEach, describe, expect, it, vi } from "vitest";
import { FlushTimer } from "../../../src/agent/net/flush-timer";

describe("FlushTimer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("flushes on the next turn, once for many requests", async () => {
    const flush = vi.fn(() => 10);
    const timer = new FlushTimer(flush);
    timer.schedule();
    timer.schedule();
    expect(flush).not.toHaveBeenCalled();
    await new Promise((r) => setImmediate(r));
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it("never holds small output, however fast it comes (typing, echoes)", () => {
    vi.useFakeTimers();
    let now = 1000;
    const flush = vi.fn(() => 3);
    const timer = new FlushTimer(flush, { windowMs: 4, floodBytes: 1024, now: () => now });
    for (let i = 1; i <= 5; i++) {
      now += 0.5;
      timer.schedule();
      // The next turn, not after the window.
      vi.advanceTimersByTime(0);
      expect(flush).toHaveBeenCalledTimes(i);
    }
  });

  it("waits the window after a large flush that was recent, and not after a quiet spell", () => {
    vi.useFakeTimers();
    let now = 1000;
    const flush = vi.fn(() => 4096);
    const timer = new FlushTimer(flush, { windowMs: 4, floodBytes: 1024, now: () => now });
    /** Lets `ms` of timers run, then checks how many flushes happened so far. */
    const flushedAfter = (ms: number, times: number) => {
      vi.advanceTimersByTime(ms);
      expect(flush).toHaveBeenCalledTimes(times);
    };
    timer.schedule();
    flushedAfter(0, 1);
    // More output 1 ms after 4 KB went out: a flood, held for the window.
    now += 1;
    timer.schedule();
    flushedAfter(3, 1);
    flushedAfter(1, 2);
    // Quiet for longer than the window: the next turn again.
    now += 50;
    timer.schedule();
    flushedAfter(0, 3);
  });

  it("flushNow runs at once and drops the scheduled flush; cancel drops it", () => {
    vi.useFakeTimers();
    const flush = vi.fn(() => 0);
    const timer = new FlushTimer(flush, { now: () => 0 });
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
