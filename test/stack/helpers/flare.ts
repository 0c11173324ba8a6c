import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll } from "vitest";
import { baseURL } from "./api";
import { createStackUser, type StackUser, seedUser } from "./users";

const ROOT = path.resolve(import.meta.dirname, "../../..");
export const FLARE_BIN = path.join(ROOT, "cli/bin/flare.mjs");
const NODE_BIN_DIR = path.join(ROOT, "node_modules/.bin");

/** A person's machine for the CLI: its own HOME (for ~/.ssh/config) and config dir. */
export interface FlareHome {
  home: string;
  configDir: string;
  sshConfig: string;
  env: Record<string, string>;
}

export function flareHome(): FlareHome {
  const home = mkdtempSync(path.join(os.tmpdir(), "flare-home-"));
  const configDir = path.join(home, "flare-config");
  const env: Record<string, string> = {
    // Node 22 first, as `npx flare` would find it; then the system ssh tools.
    PATH: `${NODE_BIN_DIR}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: home,
    BURSTFLARE_CONFIG_DIR: configDir,
    BURSTFLARE_URL: baseURL(),
    LANG: "C.UTF-8",
  };
  return { home, configDir, sshConfig: path.join(home, ".ssh", "config"), env };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs any program with the home's environment; resolves when it exits (or is killed at the deadline). */
export function run(
  command: string,
  args: string[],
  fh: FlareHome,
  opts: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...fh.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Runs the real CLI as a child process (`node cli/bin/flare.mjs …`). */
export function flare(
  fh: FlareHome,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return run(process.execPath, [FLARE_BIN, ...args], fh, opts);
}

/** `flare --json …` that must succeed; returns stdout parsed. */
export async function flareJSON<T = Record<string, unknown>>(fh: FlareHome, args: string[], opts: { timeoutMs?: number } = {}): Promise<T> {
  const r = await flare(fh, ["--json", ...args], opts);
  if (r.code !== 0) throw new Error(`flare ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A long-running CLI whose stdout lines a test waits on (device login). */
export function spawnFlare(
  fh: FlareHome,
  args: string[],
): { child: ChildProcess; lines: string[]; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [FLARE_BIN, ...args], { env: fh.env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let buffer = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => {
    buffer += d.toString();
    let nl = buffer.indexOf("\n");
    while (nl !== -1) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf("\n");
    }
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, exit };
}

/** A signed-in browser for `user`: session cookie + CSRF double-submit, as the SPA sends them. */
export interface BrowserUser extends StackUser {
  cookieHeaders: Record<string, string>;
}

/** A seeded user with a CLI token and a browser sign-in (the cookie the product issued; the CSRF value is the client's own). */
export async function createBrowserUser(): Promise<BrowserUser> {
  const seeded = await seedUser({ signIns: ["cli", "browser"] });
  const token = seeded.signIns.find((s) => s.kind === "cli")!.token;
  const cookie = seeded.signIns.find((s) => s.kind === "browser")!.token;
  const csrf = randomBytes(24).toString("base64url");
  const user: StackUser = {
    userId: seeded.userId,
    email: seeded.email,
    workspaceId: seeded.workspaceId,
    token,
    headers: { authorization: `Bearer ${token}` },
  };
  return {
    ...user,
    cookieHeaders: { cookie: `bf_session=${cookie}; bf_csrf=${csrf}`, "x-csrf-token": csrf, origin: baseURL() },
  };
}

/** Stores a CLI access token as `flare auth login` would, so a test can skip the device flow. */
export function signIn(fh: FlareHome, user: StackUser): void {
  mkdirSync(fh.configDir, { recursive: true, mode: 0o700 });
  const file = path.join(fh.configDir, "credentials.json");
  const servers = {
    [baseURL()]: { accessToken: user.token, refreshToken: null, accessExpiresAt: Date.now() + 24 * 3600 * 1000, email: user.email },
  };
  writeFileSync(file, JSON.stringify({ version: 1, servers }), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** A fresh stack user already signed in on a fresh CLI home: where most CLI tests start. */
export async function signedInUser(): Promise<{ user: StackUser; fh: FlareHome }> {
  const user = await createStackUser();
  const fh = flareHome();
  signIn(fh, user);
  return { user, fh };
}

/** signedInUser for the enclosing describe block, made in its beforeAll: read `user` and `fh` inside the tests. */
export function useSignedInUser(): { user: StackUser; fh: FlareHome } {
  const signedIn = {} as { user: StackUser; fh: FlareHome };
  beforeAll(async () => {
    Object.assign(signedIn, await signedInUser());
  });
  return signedIn;
}

/** A template folder for `flare template upload`: its manifest and a few files. */
export function templateDir(manifest: Record<string, unknown>, files: Record<string, string> = { "README.md": "hi\n" }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "flare-tpl-"));
  writeFileSync(path.join(dir, "burstflare.json"), JSON.stringify(manifest));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}
