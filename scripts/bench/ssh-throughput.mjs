// SSH throughput: 100 MB each way through `flare config-ssh`'s Host entry (OpenSSH client →
// flare ssh-proxy → WebSocket → Worker → session DO → the agent's SSH server), against the same
// OpenSSH client talking to a real sshd on loopback. The baseline sshd runs with its own config on
// its own port, as this process's child, and is stopped by pid.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, waitFor } from "../lib/processes.mjs";
import { directSSHArgs, FLARE_BIN, flareHome } from "./flare-cli.mjs";
import { cpuMeter } from "./process-cpu.mjs";

const BYTES = 100 * 1024 * 1024;
const MB = BYTES / (1024 * 1024);
const SSHD = "/usr/sbin/sshd";

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${err}`))));
  });
}

/**
 * Remote → local. `steady`: MB/s from the first byte received to the end of the stream; `connectMs`:
 * from starting ssh to that first byte (handshake, auth, the tunnel's token and WebSocket);
 * `wall`: MB/s of the whole command, connect included.
 */
function download(sshArgs, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("ssh", [...sshArgs, `head -c ${BYTES} /dev/zero`], { env, stdio: ["ignore", "pipe", "pipe"] });
    let bytes = 0;
    let t0 = 0;
    let err = "";
    child.stdout.on("data", (d) => {
      if (bytes === 0) t0 = performance.now();
      bytes += d.length;
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0 || bytes !== BYTES) reject(new Error(`download: ssh exited ${code} after ${bytes} bytes: ${err}`));
      else {
        const end = performance.now();
        resolve({ steady: MB / ((end - t0) / 1000), connectMs: t0 - started, wall: MB / ((end - started) / 1000) });
      }
    });
  });
}

/**
 * Local → remote. `steady`: MB/s timed by the remote shell while it reads exactly BYTES from stdin;
 * `wall`: MB/s of the whole command from starting ssh (connect included), timed here.
 */
function upload(sshArgs, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const remote = `t0=$(date +%s%N); head -c ${BYTES} > /dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 ))`;
    const child = spawn("ssh", [...sshArgs, remote], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.stdin.on("error", () => {});
    const chunk = Buffer.alloc(256 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < BYTES) {
        sent += chunk.length;
        if (!child.stdin.write(chunk)) return child.stdin.once("drain", pump);
      }
      child.stdin.end();
    };
    pump();
    child.on("close", (code) => {
      const micros = Number(out.trim());
      if (code !== 0 || !Number.isFinite(micros) || micros <= 0) reject(new Error(`upload: ssh exited ${code} (${out.trim()}): ${err}`));
      else resolve({ steady: MB / (micros / 1e6), wall: MB / ((performance.now() - started) / 1000) });
    });
  });
}

/**
 * One sample, tried up to three times: under `wrangler dev` a file change reloads the Worker and
 * cuts live WebSockets, which says nothing about throughput. Each retry is counted in `retries`
 * (shown in the row) and reported.
 */
async function sample(measure, retries) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measure();
    } catch (err) {
      if (attempt === 3) throw err;
      retries.count++;
      process.stderr.write(`\n  (retrying a cut transfer: ${err.message.split("\n")[0]})\n`);
    }
  }
}

/** A throwaway sshd on 127.0.0.1:port that accepts one key, for the loopback baseline. */
async function startLoopbackSSHD(dir, port, env) {
  if (!existsSync(SSHD)) {
    console.log("(installing openssh-server for the loopback baseline)");
    const apt = (args) => execFileSync("apt-get", args, { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    try {
      apt(["install", "-y", "--no-install-recommends", "openssh-server"]);
    } catch {
      // A fresh image has no package lists yet.
      apt(["update"]);
      apt(["install", "-y", "--no-install-recommends", "openssh-server"]);
    }
  }
  // sshd insists on its privilege-separation directory.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "host_key")]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "client_key")]);
  execFileSync("cp", [path.join(dir, "client_key.pub"), path.join(dir, "authorized_keys")]);
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${path.join(dir, "host_key")}`,
    `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
    `PidFile ${path.join(dir, "sshd.pid")}`,
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "StrictModes no",
    "PermitRootLogin prohibit-password",
  ].join("\n");
  writeFileSync(path.join(dir, "sshd_config"), `${config}\n`);
  const sshd = spawn(SSHD, ["-D", "-e", "-f", path.join(dir, "sshd_config")], { env, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let log = "";
  sshd.stderr.on("data", (d) => (log += d));
  const args = [
    "-F",
    "/dev/null",
    "-p",
    String(port),
    "-i",
    path.join(dir, "client_key"),
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    `UserKnownHostsFile=${path.join(dir, "known_hosts")}`,
    "-o",
    "BatchMode=yes",
    "-o",
    "LogLevel=ERROR",
    `${os.userInfo().username}@127.0.0.1`,
  ];
  await waitFor(
    async () => {
      if (sshd.exitCode !== null) throw new Error(`sshd exited: ${log}`);
      await run("ssh", [...args, "true"], env);
      return true;
    },
    { what: "the loopback sshd", timeoutMs: 20_000, intervalMs: 300 },
  );
  return {
    args,
    async stop() {
      if (sshd.exitCode !== null) return;
      const closed = new Promise((r) => sshd.once("close", r));
      process.kill(sshd.pid, "SIGTERM");
      await closed;
    },
  };
}

export default {
  name: "ssh-throughput",
  description: "SSH 100 MB each way through the tunnel vs OpenSSH on loopback",
  async run(ctx) {
    const flare = flareHome(ctx, "flare-bench-ssh-");
    const { home, configDir } = flare;
    const env = { ...flare.env, PATH: `${path.join(ROOT, "node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}` };
    const session = await ctx.createSession();
    const base = Number(process.env.BF_TEST_PORT_BASE ?? 8788);
    let sshd = null;
    const tunnel = { download: [], upload: [] };
    const loopback = { download: [], upload: [] };
    const agent = { download: [], upload: [] };
    const retries = { tunnel: { count: 0 }, loopback: { count: 0 }, agent: { count: 0 } };
    // --profile: every flare ssh-proxy the tunnel starts writes a CPU profile (ssh passes its
    // environment on to the ProxyCommand).
    const tunnelEnv = ctx.profileDir
      ? { ...env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.join(ctx.profileDir, "ssh-proxy")}` }
      : env;
    try {
      await run(process.execPath, [FLARE_BIN, "config-ssh"], env);
      const tunnelArgs = ["-F", path.join(home, ".ssh/config"), `${session.name}.burstflare`];
      sshd = await startLoopbackSSHD(mkdtempSync(path.join(os.tmpdir(), "flare-bench-sshd-")), base + 9, env);
      // download()/upload() append the remote command themselves.
      const directArgs = ctx.host ? (await directSSHArgs(ctx, session.id, path.join(configDir, "ssh/id_ed25519"), "")).slice(0, -1) : null;
      // --profile: workerd's CPU per transfer (it passes the frames on in C++, out of a JS profile's reach).
      const workerd = cpuMeter(ctx.profileDir ? ctx.wranglerGroup : null, "workerd");
      for (let r = 0; r < ctx.runs; r++) {
        tunnel.download.push(await workerd.measure("download", () => sample(() => download(tunnelArgs, tunnelEnv), retries.tunnel)));
        tunnel.upload.push(await workerd.measure("upload", () => sample(() => upload(tunnelArgs, tunnelEnv), retries.tunnel)));
        loopback.download.push(await sample(() => download(sshd.args, env), retries.loopback));
        loopback.upload.push(await sample(() => upload(sshd.args, env), retries.loopback));
        if (directArgs) {
          agent.download.push(await sample(() => download(directArgs, env), retries.agent));
          agent.upload.push(await sample(() => upload(directArgs, env), retries.agent));
        }
      }
      for (const [way, ms] of workerd.totals) {
        console.log(
          `\n  workerd CPU, ${way} through the tunnel: ${ms} ms for ${MB * ctx.runs} MB (${(ms / (MB * ctx.runs)).toFixed(1)} ms per MB, connect included)`,
        );
      }
    } finally {
      await sshd?.stop();
      await ctx.deleteSession(session.id);
    }
    const info = { loopbackRetries: retries.loopback.count, agentDirectRetries: retries.agent.count };
    // One row: `key` of each transfer through the tunnel (samples) and of the baseline's (direct).
    const row = (metric, unit, better, key, through, baseline, extra = {}) => ({
      metric,
      unit,
      better,
      samples: through.map((x) => x[key]),
      direct: baseline.map((x) => x[key]),
      retries: retries.tunnel.count,
      info,
      ...extra,
    });
    const ratioTarget = { target: { ratio: 1.7 } };
    return [
      row("download 100 MB, steady (first byte → end)", "MB/s", "higher", "steady", tunnel.download, loopback.download, ratioTarget),
      row("download 100 MB, connect included", "MB/s", "higher", "wall", tunnel.download, loopback.download),
      row("connect → first byte", "ms", "lower", "connectMs", tunnel.download, loopback.download),
      row("upload 100 MB, steady (timed by the remote shell)", "MB/s", "higher", "steady", tunnel.upload, loopback.upload, ratioTarget),
      row("upload 100 MB, connect included", "MB/s", "higher", "wall", tunnel.upload, loopback.upload),
      // The hop's share: through the Worker and the session DO versus straight to the same agent.
      ...(ctx.host
        ? ["download", "upload"].map((way) =>
            row(`${way} 100 MB, steady, vs straight to the agent (no Worker)`, "MB/s", "higher", "steady", tunnel[way], agent[way]),
          )
        : []),
    ];
  },
};
