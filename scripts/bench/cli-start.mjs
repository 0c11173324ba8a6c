// The CLI's start-up cost where users pay it: `flare --help`, `flare ssh-proxy` (run by ssh for
// every connection) and `flare ssh <s> -- cmd`, each against a baseline measured in the same run:
// `node -e 0` for the first two, and for the last the same OpenSSH client reaching the same agent
// directly (a minimal ProxyCommand to the agent's loopback port, no Worker, no DO, no API calls).
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { directSSHArgs, FLARE_BIN, flareHome } from "./flare-cli.mjs";

/** ms from spawn to the first byte on stdout (`firstByte`) or to exit; the child's exit code must be 0. */
function timed(command, args, env, { firstByte = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let first = null;
    let err = "";
    child.stdout.on("data", () => {
      first ??= performance.now() - t0;
      if (firstByte) child.kill("SIGTERM");
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const total = performance.now() - t0;
      if (firstByte ? first === null : code !== 0) reject(new Error(`${command} ${args.join(" ")} → ${code ?? signal}: ${err}`));
      else resolve(firstByte ? first : total);
    });
  });
}

/**
 * ms from spawning `flare ssh-proxy` (as `flare ssh` runs it, token in the environment) to the
 * first byte of its WebSocket upgrade arriving at a loopback listener: the CLI's own start-up,
 * with no server time in it.
 */
async function proxyToWire(env, sessionId) {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const arrived = new Promise((resolve) => server.once("connection", (socket) => socket.once("data", () => resolve(performance.now()))));
    const url = `http://127.0.0.1:${server.address().port}`;
    const proxyEnv = { ...env, BURSTFLARE_URL: url, BURSTFLARE_SSH_TOKEN: "bfs_bench", BURSTFLARE_SSH_TOKEN_SESSION: sessionId };
    const t0 = performance.now();
    const child = spawn(process.execPath, [FLARE_BIN, "ssh-proxy", sessionId], { env: proxyEnv, stdio: ["pipe", "ignore", "ignore"] });
    const closed = new Promise((resolve) => child.once("close", resolve));
    const t1 = await arrived;
    child.kill("SIGTERM");
    await closed;
    return t1 - t0;
  } finally {
    server.close();
  }
}

export default {
  name: "cli-start",
  description: "flare --help / ssh-proxy start vs node -e 0; flare ssh → output vs OpenSSH straight to the agent",
  async run(ctx) {
    const { configDir, env } = flareHome(ctx, "flare-bench-cli-");
    const node = process.execPath;
    const session = await ctx.createSession();
    const samples = { node: [], help: [], wire: [], proxy: [], flareSSH: [], directSSH: [] };
    let directArgs = null;
    try {
      // Once, untimed: builds the bundle if a source changed and fills V8's code cache, as any
      // second run on a user's machine finds it; registers the managed key.
      await timed(node, [FLARE_BIN, "ssh", session.name, "--", "true"], env);
      directArgs = ctx.host ? await directSSHArgs(ctx, session.id, path.join(configDir, "ssh/id_ed25519"), "echo ok") : null;
      for (let r = 0; r < ctx.runs; r++) {
        samples.node.push(await timed(node, ["-e", "0"], env));
        samples.help.push(await timed(node, [FLARE_BIN, "--help"], env));
        samples.wire.push(await proxyToWire(env, session.id));
        const { token: sshToken } = await ctx.call("POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: session.id } });
        // As `flare ssh` runs it: the token in the environment, the SSH server's banner the first byte.
        const proxyEnv = { ...env, BURSTFLARE_SSH_TOKEN: sshToken, BURSTFLARE_SSH_TOKEN_SESSION: session.id };
        samples.proxy.push(await timed(node, [FLARE_BIN, "ssh-proxy", session.id], proxyEnv, { firstByte: true }));
        samples.flareSSH.push(await timed(node, [FLARE_BIN, "ssh", session.name, "--", "echo", "ok"], env, { firstByte: true }));
        if (directArgs) samples.directSSH.push(await timed("ssh", directArgs, env, { firstByte: true }));
      }
    } finally {
      await ctx.deleteSession(session.id);
    }
    // ssh -V prints its version on stderr.
    const sshVersion = spawnSync("ssh", ["-V"], { encoding: "utf8" }).stderr.trim().split(",")[0] || "OpenSSH";
    return [
      {
        metric: "flare --help (vs node -e 0)",
        unit: "ms",
        better: "lower",
        samples: samples.help,
        direct: samples.node,
        target: { ratio: 3 },
      },
      {
        metric: "flare ssh-proxy → first byte on the wire (vs node -e 0)",
        unit: "ms",
        better: "lower",
        samples: samples.wire,
        direct: samples.node,
        target: { ratio: 4 },
      },
      // With the server's part in it: Worker, session DO, agent, and the SSH server's banner back.
      { metric: "flare ssh-proxy → session's first SSH byte", unit: "ms", better: "lower", samples: samples.proxy },
      {
        metric: "flare ssh -- echo → output (vs OpenSSH to the agent)",
        unit: "ms",
        better: "lower",
        samples: samples.flareSSH,
        direct: directArgs ? samples.directSSH : null,
        target: { ratio: 1.5 },
        info: { baseline: `${sshVersion} with a minimal Node ProxyCommand to the agent's loopback port` },
      },
    ];
  },
};
