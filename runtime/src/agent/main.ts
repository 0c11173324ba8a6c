// First: the agent stops being root before any other module runs.
import "./drop-privileges";
import fs from "node:fs";
import path from "node:path";
import { ActivityTracker } from "./activity/activity-tracker";
import { loadConfig } from "./config";
import { ConnectionRegistry, connectionRoutes } from "./connections/connection-registry";
import { execRoutes } from "./exec/exec-handler";
import { MemberGroups } from "./exec/member-groups";
import { processRoutes } from "./exec/process-handler";
import { ProcessManager } from "./exec/process-manager";
import { runRoutes } from "./exec/run-handler";
import { DirectoryArchives } from "./files/archive";
import { FileBatch } from "./files/batch";
import { bulkFileRoutes } from "./files/bulk-handler";
import { FileService } from "./files/file-service";
import { fileRoutes } from "./files/files-handler";
import { Watches } from "./files/watch";
import { WorkspacePaths } from "./files/workspace-paths";
import { portRoutes } from "./ports/listening-ports";
import { PortProxies } from "./ports/port-proxy";
import { PreviewProxy } from "./preview/preview-proxy";
import { createAgentServer, webSockets } from "./server";
import { snapshotRoutes } from "./snapshot/snapshot-handler";
import { SnapshotService } from "./snapshot/snapshot-service";
import { SSHService } from "./ssh/ssh-service";
import { handleTerminalSocket, terminalRoutes } from "./terminal/terminal-handler";
import { TerminalManager } from "./terminal/terminal-manager";

const config = loadConfig();
fs.mkdirSync(config.workspace, { recursive: true });
fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
const tempDir = path.join(config.dataDir, "tmp");
fs.rmSync(tempDir, { recursive: true, force: true });

const activity = new ActivityTracker();
const connections = new ConnectionRegistry();
const paths = new WorkspacePaths(config.workspace);
const files = new FileService(paths, activity);
const terminals = new TerminalManager(config, activity);
const snapshots = new SnapshotService(paths, config.persistedPaths, tempDir);
const preview = new PreviewProxy(config.previewPort, activity, connections);
const ssh = new SSHService(config, activity, connections);
connections.onLostAccess((userId) => {
  terminals.killOwnedBy(userId);
  ssh.killOwnedBy(userId);
});
const agentPort = () => {
  const address = server.address();
  return typeof address === "object" && address ? address.port : config.port;
};
const portProxies = new PortProxies(agentPort, activity, connections);

const server = createAgentServer({
  config,
  activity,
  routes: [
    ...terminalRoutes(terminals),
    ...fileRoutes(files),
    ...bulkFileRoutes(new FileBatch(files, paths), new DirectoryArchives(paths, activity, tempDir), new Watches(paths)),
    ...execRoutes(config),
    ...runRoutes(config, paths, activity, connections),
    ...processRoutes(new ProcessManager(config, paths, activity, connections)),
    ...snapshotRoutes(snapshots, tempDir),
    ...connectionRoutes(connections, (match) => MemberGroups.kill(match)),
    ...portRoutes(agentPort),
    { method: "*", path: "/port/*", handle: (req, res) => portProxies.handle(req, res) },
    { method: "*", path: "/preview", handle: (req, res) => preview.handle(req, res) },
    { method: "*", path: "/preview/*", handle: (req, res) => preview.handle(req, res) },
  ],
  upgrades: [
    { path: "/ssh", handle: (req, socket, head) => webSockets.handleUpgrade(req, socket, head, (ws) => ssh.accept(ws, req)) },
    { path: "/preview", handle: (req, socket, head) => preview.upgrade(req, socket, head) },
    { path: "/preview/*", handle: (req, socket, head) => preview.upgrade(req, socket, head) },
    { path: "/port/*", handle: (req, socket, head) => portProxies.upgrade(req, socket, head) },
    {
      path: "/terminal",
      handle: (req, socket, head, url) =>
        webSockets.handleUpgrade(req, socket, head, (ws) =>
          handleTerminalSocket(ws, url, terminals, activity, connections, ConnectionRegistry.principalOf(req)),
        ),
    },
  ],
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  // The local host reads this line to learn the port when it asked for port 0.
  process.stdout.write(`${JSON.stringify({ event: "listening", port, runtimeId: config.runtimeId })}\n`);
});

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  terminals.killAll();
  server.close();
  setTimeout(() => process.exit(code), 200).unref();
}
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));
process.on("SIGHUP", () => shutdown(0));
// Started by the local host with stdin as a pipe: when the host dies, the pipe closes and so do we.
if (process.env.BURSTFLARE_EXIT_WITH_STDIN === "1") {
  process.stdin.on("end", () => shutdown(0));
  process.stdin.on("error", () => shutdown(0));
  process.stdin.resume();
}
