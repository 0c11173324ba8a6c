import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_URL } from "./defaults";

/** Everything the CLI reads from its environment, passed explicitly so tests can run in temp dirs. */
export type Env = Record<string, string | undefined>;

/** `$BURSTFLARE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/burstflare`, else `~/.config/burstflare`. */
export function configDir(env: Env): string {
  if (env.BURSTFLARE_CONFIG_DIR) return path.resolve(env.BURSTFLARE_CONFIG_DIR);
  if (env.XDG_CONFIG_HOME) return path.join(path.resolve(env.XDG_CONFIG_HOME), "burstflare");
  return path.join(homeDir(env), ".config", "burstflare");
}

export function homeDir(env: Env): string {
  return env.HOME ? path.resolve(env.HOME) : os.homedir();
}

/** One canonical spelling per server so credentials are found whatever slash the user typed. */
export function normalizeBaseURL(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL (expected something like ${DEFAULT_URL})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`"${raw}" must be an http or https URL`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

const serverCredentialsSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().nullable(),
  /** Epoch ms after which the access token is refreshed before use. */
  accessExpiresAt: z.number(),
  email: z.string().optional(),
  userId: z.string().optional(),
});
export type ServerCredentials = z.infer<typeof serverCredentialsSchema>;

const credentialsFileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), serverCredentialsSchema),
});
type CredentialsFile = z.infer<typeof credentialsFileSchema>;

/**
 * credentials.json in the config dir: tokens per base URL, mode 0600 in a 0700 dir, replaced
 * atomically (write + rename) so a concurrent reader never sees half a file.
 */
export class CredentialStore {
  readonly dir: string;
  readonly file: string;

  constructor(dir: string) {
    this.dir = dir;
    this.file = path.join(dir, "credentials.json");
  }

  private read(): CredentialsFile {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return { version: 1, servers: {} };
    }
    const parsed = credentialsFileSchema.safeParse(safeJSON(text));
    // A corrupt file is treated as signed out rather than crashing every command.
    return parsed.success ? parsed.data : { version: 1, servers: {} };
  }

  private write(data: CredentialsFile): void {
    ensurePrivateDir(this.dir);
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  get(baseURL: string): ServerCredentials | null {
    return this.read().servers[baseURL] ?? null;
  }

  set(baseURL: string, creds: ServerCredentials): void {
    const data = this.read();
    data.servers[baseURL] = creds;
    this.write(data);
  }

  delete(baseURL: string): boolean {
    const data = this.read();
    if (!(baseURL in data.servers)) return false;
    delete data.servers[baseURL];
    this.write(data);
    return true;
  }

  /** Mode bits of the file, or null when it does not exist. */
  mode(): number | null {
    try {
      return statSync(this.file).mode & 0o777;
    } catch {
      return null;
    }
  }

  /**
   * Runs fn while holding an exclusive lock file. Refresh tokens rotate, so two processes
   * refreshing at once (parallel `scp` through config-ssh) would present the same token twice
   * and trip reuse detection; the second one must wait and reuse the first one's result.
   */
  async withLock<T>(fn: () => Promise<T>, { timeoutMs = 30_000, staleMs = 60_000 } = {}): Promise<T> {
    ensurePrivateDir(this.dir);
    const lock = path.join(this.dir, "credentials.lock");
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        closeSync(openSync(lock, "wx", 0o600));
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        try {
          if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { force: true });
        } catch {}
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}; remove it if no other flare is running`);
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 50));
      }
    }
    try {
      return await fn();
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch {}
}

function safeJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
