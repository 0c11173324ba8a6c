import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { envNameProblem } from "@burstflare/sdk/reserved-env";
import * as pty from "node-pty";
import type { PseudoTtyInfo, ServerChannel, Session as SessionChannel } from "ssh2";
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
}

/** Strips "SIG" and reports a signal the way OpenSSH's exit-signal does. */
function signalName(signal: NodeJS.Signals | string): string {
  return signal.replace(/^SIG/, "");
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

  channel.on("pty", (accept, _reject, info) => {
    ptyInfo = info;
    accept?.();
  });
  channel.on("window-change", (accept, _reject, info) => {
    if (ptyInfo) Object.assign(ptyInfo, { cols: info.cols, rows: info.rows });
    if (terminal && info.cols > 0 && info.rows > 0) terminal.resize(info.cols, info.rows);
    accept?.();
  });
  channel.on("env", (accept, reject, info) => {
    // Like sshd's AcceptEnv: a client may not replace what the runtime sets (SSH_AUTH_SOCK, HOME, PATH…).
    if (!ENV_NAME.test(info.key) || envNameProblem(info.key)) return reject?.();
    channelEnv[info.key] = info.val;
    accept?.();
  });
  // OpenSSH sends auth-agent-req without waiting for the reply, then shell/exec at once:
  // those wait for the socket so their SSH_AUTH_SOCK works from the first command.
  let agentReady: Promise<void> = Promise.resolve();
  channel.on("auth-agent", (accept, reject) => {
    agentReady = ctx.enableAgentForwarding().then(
      () => accept?.(),
      () => reject?.(),
    );
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
    terminal = pty.spawn(shell.file, args, {
      name: info.term || "xterm-256color",
      cols: info.cols || 80,
      rows: info.rows || 24,
      cwd: ctx.cwd,
      env: env(),
      encoding: null,
    } as pty.IPtyForkOptions);
    const t = terminal;
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
      setImmediate(() => {
        if (signal) channel.exit(signalName(String(signal)), false, "");
        else channel.exit(exitCode);
        channel.end();
      });
    });
    channel.on("close", () => {
      try {
        process.kill(-t.pid, "SIGHUP");
      } catch {}
    });
  };

  const runWithPipes = (channel: ServerChannel, file: string, args: string[]) => {
    const child = spawn(file, args, { cwd: ctx.cwd, env: env(), stdio: ["pipe", "pipe", "pipe"], detached: true });
    child.stdout.pipe(channel, { end: false });
    child.stderr.pipe(channel.stderr, { end: false });
    channel.pipe(child.stdin);
    child.stdin.on("error", () => {});
    child.on("error", (err) => {
      channel.stderr.write(`${err.message}\n`);
      channel.exit(127);
      channel.end();
    });
    child.on("close", (code, signal) => {
      if (signal) channel.exit(signalName(signal), false, "");
      else channel.exit(code ?? 0);
      channel.end();
    });
    channel.on("close", () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, "SIGHUP");
        } catch {}
      }
    });
  };

  const runShell = (channel: ServerChannel | undefined, args: string[]) => {
    if (!channel) return;
    void agentReady.then(() => (ptyInfo ? runInPty(channel, args) : runWithPipes(channel, shell.file, args)));
  };
  channel.on("shell", (accept) => runShell(accept(), shell.loginArgs));
  channel.on("exec", (accept, _reject, info) => runShell(accept(), shell.commandArgs(info.command)));
  channel.on("subsystem", (accept, reject, info) => {
    const server = info.name === "sftp" ? findSFTPServer() : null;
    if (!server) return reject?.();
    const channel = accept();
    if (channel) runWithPipes(channel, server, ["-d", ctx.cwd]);
  });
}
