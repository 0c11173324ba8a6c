import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { agentProfileDir, prepareAgentCommand } from "./agent-bundle";
import { createHostServer } from "./host-server";
import { sweepKept } from "./kept-workspace";
import { DEFAULT_DISK_MIB } from "./runtime-disk";
import { RuntimeManager } from "./runtime-manager";
import { setupSandbox, UidRegistry } from "./sandbox";

const port = Number(process.env.BURSTFLARE_HOST_PORT ?? 8790);
const secret = process.env.BURSTFLARE_HOST_SECRET;
const dataDir = path.resolve(process.env.BURSTFLARE_DATA_DIR ?? ".wrangler/runtimes");
if (!secret) {
  console.error("runtime host: BURSTFLARE_HOST_SECRET is required");
  process.exit(2);
}
// Each sandboxed runtime's disk (runtime-disk.ts): sparse, so the size costs nothing until written.
const diskMiB = Number(process.env.BURSTFLARE_RUNTIME_DISK_MIB || DEFAULT_DISK_MIB);
if (!Number.isInteger(diskMiB) || diskMiB < 16) {
  console.error("runtime host: BURSTFLARE_RUNTIME_DISK_MIB must be a whole number of MiB, at least 16");
  process.exit(2);
}

const checkout = path.resolve(fileURLToPath(import.meta.url), "../../../..");
const hostDir = path.join(dataDir, ".host");
fs.mkdirSync(hostDir, { recursive: true, mode: 0o700 });
fs.chmodSync(hostDir, 0o700);
const wranglerDir = path.join(checkout, ".wrangler");
/**
 * What no runtime may read: wrangler's local state of the control plane (D1 and Durable Objects
 * with every account, secret ciphertext and agent token), its logs, the checkout's secrets, and
 * the machine's home folders. Each runtime sees an empty folder (or file) there instead.
 */
const hide = [wranglerDir, path.join(checkout, ".env"), path.join(checkout, ".dev.vars"), "/root", "/home"];
const sandbox = setupSandbox({ dataDir, hostDir, hide, diskMiB });
if (sandbox.mode === "unavailable") console.error(`runtime host: refusing to start runtimes: ${sandbox.reason}`);
// Runtime uids may pass through the data dir to their own folder but not list it.
if (sandbox.mode === "uid") {
  fs.chmodSync(dataDir, 0o711);
  allowTraversal(path.dirname(dataDir));
  closeStateFolders();
}
const bundleDir = path.join(dataDir, ".agent");
fs.mkdirSync(bundleDir, { recursive: true, mode: 0o755 });
fs.chmodSync(bundleDir, 0o755);

/**
 * wrangler creates its state and log folders readable by anyone. Hidden from runtimes already,
 * they are closed to other users as well, so a runtime that got out of its mount namespace still
 * could not read them. Data dirs of runtime hosts (this one, others on the machine) keep the
 * search permission their runtimes need.
 */
function closeStateFolders(): void {
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(wranglerDir, { withFileTypes: true });
  } catch {}
  for (const entry of entries) {
    const dir = path.join(wranglerDir, entry.name);
    if (!entry.isDirectory() || dataDir === dir || dataDir.startsWith(`${dir}/`) || fs.existsSync(path.join(dir, ".host"))) continue;
    const mode = fs.lstatSync(dir).mode & 0o777;
    if (mode & 0o007) fs.chmodSync(dir, mode & ~0o007);
  }
  for (const file of [".env", ".dev.vars"].map((name) => path.join(checkout, name))) {
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (stat?.isFile() && stat.mode & 0o077) fs.chmodSync(file, 0o600);
  }
}

const agent = await prepareAgentCommand(bundleDir);
const profileDir = agentProfileDir(process.env.BURSTFLARE_AGENT_CPU_PROF_DIR);

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
// No runtime runs yet: workspace folders nobody sealed for a next start go (kept-workspace.ts).
const { disks } = sandbox;
// A disk that will not mount stays as it is (its next start says why).
const sweepOnDisk = (id: string, fn: () => void) => {
  try {
    disks?.withMounted(id, path.join(dataDir, id), fn);
  } catch (err) {
    console.error(`runtime host: kept workspace of ${id} not swept: ${(err as Error).message}`);
  }
};
sweepKept(hostDir, dataDir, disks ? sweepOnDisk : undefined);
const manager = new RuntimeManager({
  dataDir,
  hostDir,
  agent,
  sandbox,
  uids: sandbox.mode === "uid" ? new UidRegistry(hostDir, dataDir) : null,
  // The agent loads node-pty and ssh2 from the checkout and runs on the Node found here.
  keep: [bundleDir, checkout, path.dirname(path.dirname(fs.realpathSync(process.execPath))), ...(profileDir ? [profileDir] : [])],
  hide,
  writable: profileDir ? [profileDir] : [],
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
