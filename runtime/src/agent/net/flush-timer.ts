/**
 * When a batching sender should send what it holds. After a quiet spell the answer is "on the
 * next event-loop turn", so interactive output (an echo, a prompt) waits for nothing. While data
 * keeps coming — the previous send was less than `windowMs` ago — it waits `windowMs`, so a flood
 * leaves as a few large frames instead of one per 4 KB PTY read or 32 KB SSH packet: every frame
 * costs a syscall here and a message for workerd to pass on.
 */
export class FlushTimer {
  private last = Number.NEGATIVE_INFINITY;
  private immediate: NodeJS.Immediate | null = null;
  private timeout: NodeJS.Timeout | null = null;

  constructor(
    private readonly flush: () => void,
    private readonly windowMs = 4,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Asks for a flush (once: later calls before it runs change nothing). */
  schedule(): void {
    if (this.scheduled) return;
    if (this.now() - this.last >= this.windowMs) this.immediate = setImmediate(this.run);
    else this.timeout = setTimeout(this.run, this.windowMs);
  }

  /** Flushes now (a full batch, an exit), cancelling a scheduled flush. */
  flushNow(): void {
    this.cancel();
    this.run();
  }

  get scheduled(): boolean {
    return this.immediate !== null || this.timeout !== null;
  }

  cancel(): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timeout) clearTimeout(this.timeout);
    this.immediate = null;
    this.timeout = null;
  }

  private readonly run = (): void => {
    this.immediate = null;
    this.timeout = null;
    this.last = this.now();
    this.flush();
  };
}
