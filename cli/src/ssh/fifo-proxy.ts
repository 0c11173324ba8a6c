import { spawnSync } from "node:child_process";
import { constants, mkdtempSync, openSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { ensurePrivateDir } from "../config";
import { shellQuote } from "./config-block";
import { bridge, type Tunnel } from "./tunnel";

/**
 * The ProxyCommand of `flare ssh`: two named pipes in a private directory, joined to ssh by `cat`,
 * while this process (already running, already holding the token) carries the bytes over the
 * tunnel it opens as ssh starts. So a connection costs no second Node start, and the WebSocket is
 * being opened while ssh starts, not after.
 */
interface FifoProxy {
  /** For `-o ProxyCommand=`: ssh's output goes to one pipe, its input comes from the other. */
  command: string;
  /** Carries bytes between the pipes and the tunnel until either side ends. */
  run(tunnel: Promise<Tunnel>): Promise<void>;
  dispose(): void;
}

export function createFifoProxy(configDir: string): FifoProxy {
  ensurePrivateDir(configDir);
  const dir = mkdtempSync(path.join(configDir, "proxy-"));
  const toSSH = path.join(dir, "to-ssh");
  const fromSSH = path.join(dir, "from-ssh");
  const made = spawnSync("mkfifo", ["-m", "600", toSSH, fromSSH], { stdio: "ignore" });
  if (made.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error("mkfifo failed");
  }
  // ssh runs this with the user's shell; `exec` keeps one process on ssh's side of the pipes.
  // `%` would be one of ssh's own ProxyCommand tokens.
  const command = `sh -c ${shellQuote(`cat ${shellQuote(toSSH)} & exec cat > ${shellQuote(fromSSH)}`)}`.replace(/%/g, "%%");
  return {
    command,
    async run(tunnelReady) {
      // Opened read-write and non-blocking, the pipes never wait for ssh's side (ssh may never
      // start), and the sockets poll them like stdin instead of parking threads in blocking calls.
      const output = new net.Socket({ fd: openSync(toSSH, constants.O_RDWR | constants.O_NONBLOCK), readable: false, writable: true });
      const input = new net.Socket({ fd: openSync(fromSSH, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
      output.on("error", () => {});
      input.on("error", () => {});
      try {
        await bridge(await tunnelReady, input, output);
      } finally {
        // End of the tunnel is end of file for ssh.
        output.end();
        input.destroy();
      }
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
