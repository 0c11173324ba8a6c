// Starting and stopping the pieces of the local stack. Every child runs in its own
// process group so it can be stopped with everything it spawned, by pid, never by name.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { redactCredentials } from "@burstflare/sdk/log-redact.ts";
import { ScriptClient } from "./api-client.mjs";
import { newBootstrapCode } from "./bootstrap-code.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN_DIR = path.join(ROOT, "node_modules/.bin");
const bin = (name) => path.join(BIN_DIR, name);
/** Children find the Node 22 of the `node` devDependency first, whatever shell started us. */
const childEnv = (extra = {}) => ({ ...process.env, PATH: `${BIN_DIR}${path.delimiter}${process.env.PATH ?? ""}`, ...extra });

/**
 * Local state (D1 with every account, Durable Objects with agent tokens), logs and frozen configs
 * are the control plane's: made root-only before wrangler writes into them, since wrangler makes
 * its folders readable by anyone and session runtimes run as other users of this machine.
 */
export function privateDir(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Log files get every line redacted (sdk/log-redact.ts): wrangler prints each
 * request's path, and share links and preview grants are paths.
 */
function pipeRedacted(child, logFile) {
  privateDir(path.dirname(logFile));
  const out = createWriteStream(logFile, { flags: "a", mode: 0o600 });
  let open = 2;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
      .on("line", (line) => out.write(`${redactCredentials(line)}\n`))
      .on("close", () => {
        if (--open === 0) out.end();
      });
  }
}

/** Spawns a detached child (own process group); output to a (redacted) log file or inherited. */
export function spawnGroup(command, args, { env = {}, logFile, cwd = ROOT, label = command } = {}) {
  const stdio = logFile ? ["ignore", "pipe", "pipe"] : "inherit";
  const child = spawn(command, args, { cwd, env: childEnv(env), stdio, detached: true });
  if (logFile) pipeRedacted(child, logFile);
  let exited = false;
  const exitPromise = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  return {
    child,
    label,
    exited: exitPromise,
    get running() {
      return !exited;
    },
    async stop(timeoutMs = 5000) {
      if (exited) return;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, timeoutMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

export function run(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : "inherit", env: childEnv(opts.env) });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited ${code}\n${output}`)),
    );
  });
}

/** Polls until fn() resolves truthy; fails with the last error after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 60_000, intervalMs = 200, what = "condition", proc } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (proc && !proc.running) throw new Error(`${proc.label} exited while waiting for ${what}`);
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ""}`);
}

/**
 * Removes a runtime host's data dir. A host killed outright leaves its runtimes' disks and the
 * data dir's own mount in place (runtime/src/host/runtime-disk.ts; the next host on the folder,
 * or one that exits cleanly, unmounts them itself): they are detached first, deepest first, so the
 * removal neither fails on a mount point nor walks into a runtime's disk.
 */
export function removeRuntimeDataDir(dir) {
  if (!existsSync(dir)) return;
  const real = realpathSync(dir);
  const unescapeMount = (p) => p.replace(/\\([0-7]{3})/g, (_, oct) => String.fromCharCode(Number.parseInt(oct, 8)));
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => unescapeMount(line.split(" ")[4]))
    .filter((p) => p === real || p.startsWith(`${real}/`))
    .sort((a, b) => b.length - a.length);
  const umount = ["/usr/bin/umount", "/bin/umount"].find((f) => existsSync(f));
  for (const p of umount ? mounts : []) spawnSync(umount, ["-l", p], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}

export async function startRuntimeHost({ port, secret, dataDir, logFile }) {
  const proc = spawnGroup(process.execPath, ["--import", "tsx", "runtime/src/host/main.ts"], {
    env: {
      BURSTFLARE_HOST_PORT: String(port),
      BURSTFLARE_HOST_SECRET: secret,
      BURSTFLARE_DATA_DIR: path.resolve(ROOT, dataDir),
    },
    logFile,
    label: "runtime host",
  });
  // 503: up, but it refuses to start runtimes (no sandbox); its reason beats a timeout.
  const health = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return res.ok || res.status === 503 ? res : null;
    },
    { what: "runtime host", proc },
  );
  if (!health.ok) {
    const body = await health.json().catch(() => ({}));
    await proc.stop();
    throw new Error(`the runtime host refuses to start runtimes: ${body.reason ?? `health answered ${health.status}`}`);
  }
  return proc;
}

export async function applyMigrations({ persistTo }) {
  try {
    await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
      quiet: true,
      env: { CI: "true", WRANGLER_SEND_METRICS: "false" },
    });
  } catch (err) {
    // A local database made by an earlier cut of the series (before one file per table) has every
    // table already but none of the migration names.
    if (/already exists/.test(String(err.message))) {
      throw new Error(
        `the local database in ${persistTo} was made by an earlier cut of the migration series (migrations/ is now one file per table); ` +
          `move ${path.join(persistTo, "v3", "d1")} aside to start with an empty one\n${err.message}`,
      );
    }
    throw err;
  }
}

/** A fresh one-time operator bootstrap code in the local D1; only its hash is written. */
export async function createBootstrapCode({ persistTo }) {
  const { code, expiresAt, sql } = newBootstrapCode();
  await run(bin("wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", sql], {
    quiet: true,
    env: { CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
  return { code, expiresAt };
}

export async function buildWeb({ quiet = true } = {}) {
  await run(bin("vite"), ["build"], { quiet });
}

/**
 * A snapshot of the Worker and SPA for test stacks: wrangler dev reloads whenever a watched
 * source file changes, which breaks in-flight requests while other work edits the tree. The
 * frozen copy is bundled once (wrangler's own bundler, via a dry-run) and served with --no-bundle.
 */
async function freezeWorker(dir, transform = (c) => c) {
  const { parse, stringify } = await import("smol-toml");
  rmSync(dir, { recursive: true, force: true });
  privateDir(dir);
  await run(bin("wrangler"), ["deploy", "--dry-run", "--containers-rollout=none", "--outdir", path.join(dir, "worker")], {
    quiet: true,
    env: { CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
  cpSync(path.join(ROOT, "dist/web"), path.join(dir, "web"), { recursive: true });
  const config = parse(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8"));
  config.main = path.join(dir, "worker/index.js");
  config.assets.directory = path.join(dir, "web");
  for (const db of config.d1_databases) db.migrations_dir = path.join(ROOT, "migrations");
  for (const c of config.containers ?? []) {
    c.image = path.join(ROOT, "runtime/Dockerfile");
    c.image_build_context = ROOT;
  }
  const configPath = path.join(dir, "wrangler.toml");
  writeFileSync(configPath, stringify(transform(config)));
  return configPath;
}

/** wrangler.toml for the containers driver (see scripts/containers/dev-config.mjs), unfrozen. */
async function containersConfig(dir, transform) {
  const { parse, stringify } = await import("smol-toml");
  const { absolutise } = await import("../containers/dev-config.mjs");
  mkdirSync(dir, { recursive: true });
  const config = transform(absolutise(parse(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8")), ROOT));
  const configPath = path.join(dir, "wrangler.toml");
  writeFileSync(configPath, stringify(config));
  return configPath;
}

/**
 * Readies the container engine for the containers driver: dockerd, the base and sidecar images.
 * Returns the environment wrangler dev needs and the config transform.
 */
async function prepareContainers() {
  const engine = await import("../containers/engine.mjs");
  const { applyContainersDriver } = await import("../containers/dev-config.mjs");
  const ready = await engine.up();
  return {
    env: engine.engineEnv(),
    transform: (config) => applyContainersDriver(config, { root: ROOT, baseImage: ready.base.tag }),
  };
}

/**
 * The whole product on one origin: D1 migrations, the runtime host and wrangler dev
 * (Worker + static SPA + DOs + Queues + Workflows). Returns a handle whose stop() ends all.
 */
export async function startStack({
  port = 8787,
  runtimePort = 8790,
  persistTo = ".wrangler/state",
  runtimeDataDir = ".wrangler/runtimes",
  secret,
  vars = {},
  logDir,
  inheritOutput = false,
  freeze = false,
  driver = "local",
}) {
  const runtimeSecret = secret ?? `dev-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  privateDir(path.resolve(ROOT, persistTo));
  if (logDir) privateDir(logDir);
  const envFile = path.join(ROOT, ".env");
  if (existsSync(envFile) && statSync(envFile).mode & 0o077) chmodSync(envFile, 0o600);
  await applyMigrations({ persistTo });
  const bootstrap = await createBootstrapCode({ persistTo });
  const host = await startRuntimeHost({
    port: runtimePort,
    secret: runtimeSecret,
    dataDir: runtimeDataDir,
    logFile: inheritOutput ? undefined : logDir && path.join(logDir, "runtime-host.log"),
  });
  const allVars = {
    LOCAL_RUNTIME_URL: `http://127.0.0.1:${runtimePort}`,
    LOCAL_RUNTIME_SECRET: runtimeSecret,
    APP_ORIGIN: `http://localhost:${port}`,
    // Each session's preview on its own host; browsers resolve *.localhost to loopback.
    PREVIEW_ORIGIN: `http://*.localhost:${port}`,
    ...vars,
  };
  let containers = null;
  try {
    containers = driver === "containers" ? await prepareContainers() : null;
  } catch (err) {
    await host.stop();
    throw err;
  }
  const frozenConfig = freeze ? await freezeWorker(path.resolve(ROOT, `${persistTo}-frozen`), containers?.transform) : null;
  const configPath =
    frozenConfig ?? (containers ? await containersConfig(path.resolve(ROOT, `${persistTo}-containers`), containers.transform) : null);
  const args = [
    "dev",
    ...(configPath ? ["-c", configPath] : []),
    ...(frozenConfig ? ["--no-bundle"] : []),
    "--port",
    String(port),
    "--ip",
    "localhost",
    "--persist-to",
    persistTo,
    "--inspector-port",
    String(port + 10000),
    "--show-interactive-dev-session=false",
  ];
  for (const [k, v] of Object.entries(allVars)) args.push("--var", `${k}:${v}`);
  const wrangler = spawnGroup(bin("wrangler"), args, {
    env: { WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", ...(containers?.env ?? {}) },
    logFile: inheritOutput ? undefined : logDir && path.join(logDir, "wrangler.log"),
    label: "wrangler dev",
  });
  const baseURL = `http://localhost:${port}`;
  try {
    // The containers driver builds the runtime image before wrangler dev answers (minutes when cold).
    const timeoutMs = containers ? 900_000 : 120_000;
    const api = new ScriptClient({ baseURL });
    await waitFor(async () => (await api.callRaw("GET /api/health", { acceptErrors: true })).ok, {
      what: "wrangler dev",
      proc: wrangler,
      timeoutMs,
    });
  } catch (err) {
    await wrangler.stop();
    await host.stop();
    throw err;
  }
  return {
    baseURL,
    runtimeSecret,
    /** The one-time operator bootstrap code of this start (print it once; never log it). */
    bootstrapCode: bootstrap.code,
    bootstrapExpiresAt: bootstrap.expiresAt,
    /** The frozen Worker bundle (wrangler's dry-run output) when freeze was asked; null otherwise. */
    frozenWorkerDir: frozenConfig ? path.join(path.dirname(frozenConfig), "worker") : null,
    /** wrangler dev's process group (workerd runs in it): the bench's --profile reads its CPU time. */
    wranglerGroup: wrangler.child.pid,
    async stop() {
      await wrangler.stop();
      await host.stop();
    },
  };
}
