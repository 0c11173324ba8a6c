import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prepareAgentCommand } from "./agent-bundle";
import { createHostServer } from "./host-server";
import { RuntimeManager } from "./runtime-manager";
import { setupSandbox, UidRegistry } from "./sandbox";

const port = Number(process.env.BURSTFLARE_HOST_PORT ?? 8790);
const secret = process.env.BURSTFLARE_HOST_SECRET;
const dataDir = path.resolve(process.env.BURSTFLARE_DATA_DIR ?? ".wrangler/runtimes");
if (!secret) {
  console.error("runtime host: BURSTFLARE_HOST_SECRET is required");
  process.exit(2);
}

const checkout = path.resolve(fileURLToPath(import.meta.url), "../../../..");
const hostDir = path.join(dataDir, ".host");
fs.mkdirSync(hostDir, { recursive: true, mode: 0o700 });
const sandbox = setupSandbox({ dataDir, hostDir });
if (sandbox.mode === "unavailable") console.error(`runtime host: refusing to start runtimes: ${sandbox.reason}`);
// Runtime uids may pass through the data dir to their own folder but not list it.
if (sandbox.mode === "uid") {
  fs.chmodSync(dataDir, 0o711);
  allowTraversal(path.dirname(dataDir));
}
const bundleDir = path.join(dataDir, ".agent");
fs.mkdirSync(bundleDir, { recursive: true, mode: 0o755 });
fs.chmodSync(bundleDir, 0o755);

const agent = await prepareAgentCommand(bundleDir);

/**
 * Runtime uids reach their workspace and the agent bundle by path, so every folder above the
 * data dir needs search (x) permission for others. Tools create some of them private (wrangler
 * makes `.wrangler/` 0700 in a fresh checkout); adding search-only permission lists nothing.
 */
function allowTraversal(dir: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o777;
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    if (path.dirname(d) === d) return;
  }
}
const manager = new RuntimeManager({
  dataDir,
  hostDir,
  agent,
  sandbox,
  uids: sandbox.mode === "uid" ? new UidRegistry(hostDir, dataDir) : null,
  keep: [dataDir, checkout],
});
const server = createHostServer({ secret, manager, sandbox });
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  // Tests start the host on port 0 and read the real port from this line.
  console.log(
    JSON.stringify({
      event: "runtime-host-listening",
      port: actualPort,
      dataDir,
      sandbox: sandbox.mode,
      runtimeNetwork: sandbox.net?.subnet ?? null,
      agent: agent.args.at(-1),
    }),
  );
});

// Agents die with the host: their groups get SIGKILL on any exit path we can see, and the
// host's veths, namespaces, rules and cgroups go with them. On SIGKILL of the host the agents
// notice their stdin pipe closing and exit; the next host to claim the network slot clears the rest.
process.on("exit", () => manager.killAll());
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => {
    manager.killAll();
    process.exit(0);
  });
}
