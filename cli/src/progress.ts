import { formatBytes, type Streams } from "./output";
import { terminalSafe } from "./terminal-text";

type Stream = Streams["stderr"];

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A status line on stderr. On a TTY it animates in place; without one (CI, pipes, tests) each
 * distinct message is printed once as its own line, so logs stay readable and finite.
 * With --json nothing is printed unless stderr is a TTY (humans watching still see progress).
 */
export class Spinner {
  private readonly stream: Stream;
  private readonly tty: boolean;
  private readonly enabled: boolean;
  private text = "";
  private frame = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(stream: Stream, { json = false }: { json?: boolean } = {}) {
    this.stream = stream;
    this.tty = stream.isTTY === true;
    this.enabled = this.tty || !json;
  }

  start(text: string): this {
    this.update(text);
    if (this.tty && this.enabled && !this.timer) {
      this.timer = setInterval(() => this.render(), 80);
      this.timer.unref();
    }
    return this;
  }

  update(raw: string): void {
    // Spinner text quotes the server (a build's error holds an agent's words): shown, never obeyed.
    const text = terminalSafe(raw);
    if (text === this.text) return;
    this.text = text;
    if (!this.enabled) return;
    if (this.tty) this.render();
    else this.stream.write(`… ${text}\n`);
  }

  private render(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.stream.write(`\r\x1b[2K${FRAMES[this.frame]} ${this.text}`);
  }

  /** Ends the spinner with a final line (✓ or ✗). */
  stop(symbol: "✓" | "✗", text = this.text): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.enabled) return;
    this.stream.write(`${this.tty ? "\r\x1b[2K" : ""}${symbol} ${terminalSafe(text)}\n`);
  }

  succeed(text?: string): void {
    this.stop("✓", text);
  }
  fail(text?: string): void {
    this.stop("✗", text);
  }
}

/** `[########------------] 40% 4.0 MB/10.0 MB` — pure so it is testable without a terminal. */
export function renderBar(done: number, total: number, width = 24): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${pct} ${formatBytes(done)}/${formatBytes(total)}`;
}

/**
 * Byte progress on stderr. A TTY gets the bar redrawn at most every 100 ms; otherwise one line
 * per 25% step so a 1 GB upload in CI prints five lines, not thousands.
 */
export class ProgressBar {
  private readonly stream: Stream;
  private readonly tty: boolean;
  private readonly enabled: boolean;
  private readonly label: string;
  private readonly total: number;
  private done = 0;
  private lastDraw = 0;
  private lastStep = -1;

  constructor(stream: Stream, label: string, total: number, { json = false }: { json?: boolean } = {}) {
    this.stream = stream;
    this.tty = stream.isTTY === true;
    this.enabled = this.tty || !json;
    this.label = label;
    this.total = total;
  }

  tick(bytes: number): void {
    this.done += bytes;
    if (!this.enabled) return;
    if (this.tty) {
      const t = Date.now();
      if (t - this.lastDraw < 100 && this.done < this.total) return;
      this.lastDraw = t;
      this.stream.write(`\r\x1b[2K${this.label} ${renderBar(this.done, this.total)}`);
      return;
    }
    const step = this.total > 0 ? Math.floor((Math.min(this.done, this.total) / this.total) * 4) : 4;
    if (step > this.lastStep) {
      this.lastStep = step;
      this.stream.write(`${this.label} ${renderBar(this.done, this.total)}\n`);
    }
  }

  finish(): void {
    if (!this.enabled) return;
    if (this.tty) this.stream.write(`\r\x1b[2K${this.label} ${renderBar(this.done, this.total)}\n`);
    else if (this.lastStep < 4) this.stream.write(`${this.label} ${renderBar(this.done, this.total)}\n`);
  }
}
