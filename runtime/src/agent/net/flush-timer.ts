/**
 * When a batching sender should send what it holds. Normally on the next event-loop turn, so
 * interactive output (an echo, a prompt, a redraw) waits for nothing, however fast the keys come.
 * Only in a flood — the previous flush was recent (< `windowMs` ago) *and* large (≥ `floodBytes`)
 * — it waits `windowMs`, so bulk output leaves as a few large frames instead of one per 4 KB PTY
 * read: every frame costs a syscall here and a message for workerd to pass on.
 */
export class FlushTimer {
  private last = Number.NEGATIVE_INFINITY;
  private lastBytes = 0;
  private immediate: NodeJS.Immediate | null = null;
  private timeout: NodeJS.Timeout | null = null;

  /** `flush` sends what is held and returns how many bytes that was. */
  constructor(
    private readonly flush: () => number,
    private readonly opts: { windowMs?: number; floodBytes?: number; now?: () => number } = {},
  ) {}

  /** Asks for a flush (once: later calls before it runs change nothing). */
  schedule(): void {
    if (this.scheduled) return;
    const { windowMs = 4, floodBytes = 1024, now = performance.now.bind(performance) } = this.opts;
    const flood = now() - this.last < windowMs && this.lastBytes >= floodBytes;
    if (flood) this.timeout = setTimeout(this.run, windowMs);
    else this.immediate = setImmediate(this.run);
  }

  /** Flushes now (a full batch), cancelling a scheduled flush. */
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
    const { now = performance.now.bind(performance) } = this.opts;
    this.lastBytes = this.flush();
    this.last = now();
  };
}
