import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { envNameProblem } from "@burstflare/sdk/reserved-env";
import * as pty from "node-pty";
import type { PseudoTtyInfo, ServerChannel, Session as SessionChannel } from "ssh2";
import type { Launch } from "../exec/member-groups";
import { loginShell } from "../shell";

const SFTP_SERVERS = [
  "/usr/lib/openssh/sftp-server",
  "/usr/lib/sftp-server",
  "/usr/libexec/openssh/sftp-server",
  "/usr/libexec/sftp-server",
];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface ChannelContext {
  cwd: string;
  /** The connection's environment (runtime env, USER, SSH_AUTH_SOCK once forwarding is on). */
  env: () => Record<string, string>;
  enableAgentForwarding: () => Promise<void>;
  /** How the channel's process starts: in the connection's user's member group. */
  launch: (file: string, args: string[]) => Launch;
  /** The channel's process started, leading a Unix session of its own (pty and detached spawns call setsid). */
  started: (pid: number | undefined) => void;
}

/** The signal names RFC 4254 §6.10 defines for exit-signal: ssh2 sends these and throws on any other. */
const SSH_SIGNALS = new Set(["ABRT", "ALRM", "FPE", "HUP", "ILL", "INT", "KILL", "PIPE", "QUIT", "SEGV", "TERM", "USR1", "USR2"]);
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name.replace(/^SIG/, "")]));

/**
 * Tells the client how the channel's process ended, then closes the channel: exit-signal for a
 * signal SSH can name (node-pty reports it as a number, child_process as "SIGTERM"), else the
 * shell's 128+n for one it cannot (BUS, TRAP, SYS…). Never throws: a channel the client already
 * closed, or a status ssh2 refuses, must not take the agent (and every member's work) down.
 */
function reportExit(channel: ServerChannel, code: number | null, signal: NodeJS.Signals | number | null | undefined): void {
  const number = typeof signal === "number" ? signal : signal ? constants.signals[signal] : 0;
  const name = typeof signal === "string" ? signal.replace(/^SIG/, "") : SIGNAL_NAMES.get(number ?? 0);
  try {
    if (name && SSH_SIGNALS.has(name)) channel.exit(name, false, "");
    else channel.exit(number ? 128 + number : (code ?? 0));
  } catch {}
  try {
    channel.end();
  } catch {}
}

function findSFTPServer(): string | null {
  return SFTP_SERVERS.find((p) => existsSync(p)) ?? null;
}

/**
 * One SSH "session" channel (the protocol's name for a shell, exec or subsystem request; not a BurstFlare session): remembers pty-req / env / window-change, then runs exactly one
 * of shell, exec or the sftp subsystem, reporting exit-status (or exit-signal) at the end.
 */
export function handleChannel(channel: SessionChannel, ctx: ChannelContext): void {
  let ptyInfo: PseudoTtyInfo | null = null;
  let terminal: pty.IPty | null = null;
  const channelEnv: Record<string, string> = {};

  channel.on("pty", (accept, reject, info) => {
    if (info.term?.includes("\0")) return reject?.();
    ptyInfo = info;
    accept?.();
  });
  channel.on("window-change", (accept, _reject, info) => {
    if (ptyInfo) Object.assign(ptyInfo, { cols: info.cols, rows: info.rows });
    try {
      if (terminal && info.cols > 0 && info.rows > 0) terminal.resize(info.cols, info.rows);
    } catch {}
    accept?.();
  });
  channel.on("env", (accept, reject, info) => {
    // Like sshd's AcceptEnv: a client may not replace what the runtime sets (SSH_AUTH_SOCK, HOME, PATH…).
    // A NUL cannot be in an environment string: spawn would throw on it.
    if (!ENV_NAME.test(info.key) || envNameProblem(info.key) || info.val.includes("\0")) return reject?.();
    channelEnv[info.key] = info.val;
    accept?.();
  });
  // OpenSSH sends auth-agent-req without waiting for the reply, then shell/exec at once:
  // those wait for the socket so their SSH_AUTH_SOCK works from the first command.
  let agentReady: Promise<void> = Promise.resolve();
  channel.on("auth-agent", (accept, reject) => {
    agentReady = ctx
      .enableAgentForwarding()
      .then(
        () => accept?.(),
        () => reject?.(),
      )
      .catch(() => {});
  });
  channel.on("signal", (accept, _reject, info) => {
    const name = `SIG${info.name.replace(/^SIG/, "")}`;
    try {
      terminal?.kill(name);
    } catch {}
    accept?.();
  });

  const env = (): Record<string, string> => {
    const base = { ...ctx.env(), ...channelEnv };
    if (ptyInfo?.term) base.TERM = ptyInfo.term;
    return base;
  };
  const shell = loginShell();

  const runInPty = (channel: ServerChannel, args: string[]) => {
    const info = ptyInfo!;
    const launch = ctx.launch(shell.file, args);
    terminal = pty.spawn(launch.file, launch.args, {
      name: info.term || "xterm-256color",
      cols: info.cols || 80,
      rows: info.rows || 24,
      cwd: ctx.cwd,
      env: env(),
      encoding: null,
    } as pty.IPtyForkOptions);
    const t = terminal;
    launch.placed(t.pid);
    ctx.started(t.pid);
    t.onData((data) => {
      if (!channel.write(data as unknown as Buffer)) {
        t.pause();
        channel.once("drain", () => t.resume());
      }
    });
    // Raw bytes in: a multi-byte character split across SSH packets stays intact.
    channel.on("data", (data: Buffer) => t.write(data));
    t.onExit(({ exitCode, signal }) => {
      // Let the last output reach the channel before the exit status.
      setImmediate(() => reportExit(channel, exitCode, signal));
    });
    channel.on("close", () => {
      try {
        process.kill(-t.pid, "SIGHUP");
      } catch {}
    });
  };

  const runWithPipes = (channel: ServerChannel, file: string, args: string[]) => {
    const launch = ctx.launch(file, args);
    const child = spawn(launch.file, launch.args, { cwd: ctx.cwd, env: env(), stdio: ["pipe", "pipe", "pipe"], detached: true });
    launch.placed(child.pid);
    ctx.started(child.pid);
    child.stdout.pipe(channel, { end: false });
    child.stderr.pipe(channel.stderr, { end: false });
    channel.pipe(child.stdin);
    child.stdin.on("error", () => {});
    child.on("error", (err) => {
      channel.stderr.write(`${err.message}\n`);
      reportExit(channel, 127, null);
    });
    child.on("close", (code, signal) => reportExit(channel, code, signal));
    channel.on("close", () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, "SIGHUP");
        } catch {}
      }
    });
  };

  /** Starts the channel's process; one that cannot start (spawn threw) ends the channel with 127, not the agent. */
  const start = (channel: ServerChannel, run: () => void) => {
    try {
      run();
    } catch (err) {
      try {
        channel.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      } catch {}
      reportExit(channel, 127, null);
    }
  };
  const runShell = (channel: ServerChannel | undefined, args: string[]) => {
    if (!channel) return;
    void agentReady
      .then(() => start(channel, () => (ptyInfo ? runInPty(channel, args) : runWithPipes(channel, shell.file, args))))
      .catch(() => {});
  };
  channel.on("shell", (accept) => runShell(accept(), shell.loginArgs));
  channel.on("exec", (accept, reject, info) => {
    // A NUL cannot be in an argument: refused like sshd, which cannot run it either.
    if (info.command.includes("\0")) return reject?.();
    runShell(accept(), shell.commandArgs(info.command));
  });
  channel.on("subsystem", (accept, reject, info) => {
    const server = info.name === "sftp" ? findSFTPServer() : null;
    if (!server) return reject?.();
    const channel = accept();
    if (channel) start(channel, () => runWithPipes(channel, server, ["-d", ctx.cwd]));
  });
}
