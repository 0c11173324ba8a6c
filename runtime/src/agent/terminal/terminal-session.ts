import * as pty from "node-pty";
import type { WebSocket } from "ws";
import { FlushTimer } from "../net/flush-timer";
import { RingBuffer } from "./ring-buffer";

const REPLAY_BYTES = 256 * 1024;
/** Above this many unsent bytes on any client the PTY is paused, so a slow client cannot grow memory without bound. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 512 * 1024;
const MAX_BATCH = 256 * 1024;

interface TerminalSpawn {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}

/**
 * One PTY and the WebSocket clients attached to it. The PTY outlives its clients; output is kept
 * in a ring buffer for replay and batched (FlushTimer): it leaves on the next event-loop turn,
 * except during a flood, when it leaves every few milliseconds as one frame of up to MAX_BATCH
 * instead of one frame per PTY read (≈ 4 KB).
 */
export class TerminalSession {
  readonly pty: pty.IPty;
  /** Each attached socket and the user it was opened for (null without a principal). */
  private readonly clients = new Map<WebSocket, string | null>();
  private readonly replay = new RingBuffer(REPLAY_BYTES);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly timer = new FlushTimer(() => this.flush());
  private paused = false;
  private exited = false;

  constructor(
    readonly id: string,
    spawn: TerminalSpawn,
    private readonly hooks: { onOutput: () => void; onExit: (session: TerminalSession) => void },
  ) {
    this.pty = pty.spawn(spawn.file, spawn.args, {
      name: "xterm-256color",
      cols: spawn.cols,
      rows: spawn.rows,
      cwd: spawn.cwd,
      env: spawn.env,
      // Raw bytes: output goes out as binary frames without a decode/encode round trip.
      encoding: null,
    } as pty.IPtyForkOptions);
    this.pty.onData((data) => this.onData(data as unknown as Buffer));
    this.pty.onExit(({ exitCode, signal }) => {
      this.exited = true;
      this.flush();
      const note = Buffer.from(`\r\n[process exited with code ${exitCode}${signal ? `, signal ${signal}` : ""}]\r\n`);
      for (const ws of this.clients.keys()) {
        ws.send(note, { binary: true });
        ws.close(1000, "terminal exited");
      }
      this.clients.clear();
      this.hooks.onExit(this);
    });
  }

  get cols(): number {
    return this.pty.cols;
  }
  get rows(): number {
    return this.pty.rows;
  }
  get clientCount(): number {
    return this.clients.size;
  }
  get alive(): boolean {
    return !this.exited;
  }

  attach(ws: WebSocket, userId: string | null = null): void {
    this.flush();
    const backlog = this.replay.contents();
    if (backlog.length) ws.send(backlog, { binary: true });
    this.clients.set(ws, userId);
    ws.on("close", () => this.clients.delete(ws));
  }

  /** Closes the sockets attached for anyone but `userId`, as a new attach by them would be refused. */
  detachOthers(userId: string | null, reason: string): void {
    for (const [ws, owner] of this.clients) {
      if (owner === userId) continue;
      this.clients.delete(ws);
      ws.close(1008, reason);
    }
  }

  write(data: string): void {
    if (!this.exited) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exited && (cols !== this.pty.cols || rows !== this.pty.rows)) this.pty.resize(cols, rows);
  }

  kill(): void {
    if (this.exited) return;
    try {
      // The shell leads its own session; signal the whole group so its jobs go too.
      process.kill(-this.pty.pid, "SIGHUP");
    } catch {
      this.pty.kill("SIGHUP");
    }
  }

  private onData(data: Buffer): void {
    this.hooks.onOutput();
    this.replay.push(data);
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= MAX_BATCH) this.timer.flushNow();
    else this.timer.schedule();
  }

  /** Sends the held output to every client; returns its size. */
  private flush(): number {
    this.timer.cancel();
    if (!this.pendingBytes) return 0;
    const frame = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    for (const ws of this.clients.keys()) {
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    }
    this.applyBackpressure();
    return frame.length;
  }

  private applyBackpressure(): void {
    if (this.paused) return;
    const slowest = Math.max(0, ...[...this.clients.keys()].map((ws) => ws.bufferedAmount));
    if (slowest < HIGH_WATER) return;
    this.paused = true;
    this.pty.pause();
    const timer = setInterval(() => {
      const backlog = Math.max(0, ...[...this.clients.keys()].map((ws) => ws.bufferedAmount));
      if (backlog <= LOW_WATER || this.exited) {
        clearInterval(timer);
        this.paused = false;
        if (!this.exited) this.pty.resume();
      }
    }, 10);
  }
}
