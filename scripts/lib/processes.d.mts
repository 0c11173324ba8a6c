export const ROOT: string;

export interface GroupProcess {
  readonly label: string;
  readonly running: boolean;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface Stack {
  baseURL: string;
  runtimeSecret: string;
  /** The one-time operator bootstrap code written (hashed) to this stack's D1 at start. */
  bootstrapCode: string;
  bootstrapExpiresAt: number;
  stop(): Promise<void>;
}

export function spawnGroup(
  command: string,
  args: string[],
  opts?: { env?: Record<string, string>; logFile?: string; cwd?: string; label?: string },
): GroupProcess;
export function run(command: string, args: string[], opts?: { quiet?: boolean; env?: Record<string, string> }): Promise<string>;
export function waitFor<T>(
  fn: () => Promise<T> | T,
  opts?: { timeoutMs?: number; intervalMs?: number; what?: string; proc?: GroupProcess },
): Promise<T>;
export function removeRuntimeDataDir(dir: string): void;
export function startRuntimeHost(opts: { port: number; secret: string; dataDir: string; logFile?: string }): Promise<GroupProcess>;
export function applyMigrations(opts: { persistTo: string }): Promise<void>;
export function createBootstrapCode(opts: { persistTo: string }): Promise<{ code: string; expiresAt: number }>;
export function buildWeb(opts?: { quiet?: boolean }): Promise<void>;
export function startStack(opts: {
  port?: number;
  runtimePort?: number;
  persistTo?: string;
  runtimeDataDir?: string;
  secret?: string;
  vars?: Record<string, string>;
  logDir?: string;
  inheritOutput?: boolean;
  /** Serve a bundled copy of the Worker and SPA so edits to the tree do not reload it. */
  freeze?: boolean;
  /** "containers": every session in a container from runtime/Dockerfile (starts the engine first). */
  driver?: "local" | "containers";
}): Promise<Stack>;
