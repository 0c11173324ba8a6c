import path from "node:path";
import { ApiClient, type TokenSource } from "@burstflare/sdk/client";
import { ApiError } from "@burstflare/sdk/errors";
import { tokenPairSchema } from "@burstflare/sdk/schemas/auth";
import { API_VERSION } from "@burstflare/sdk/version";
import { CredentialStore, configDir, type Env, normalizeBaseURL, type ServerCredentials } from "./config";
import { DEFAULT_URL } from "./defaults";
import { Output, type Streams } from "./output";
import { Spinner } from "./progress";

/** Refresh this long before the access token's expiry so a request never races it. */
const REFRESH_MARGIN_MS = 30_000;

export interface GlobalOptions {
  url?: string;
  json?: boolean;
  /** Overrides BURSTFLARE_CONFIG_DIR; written into ProxyCommand lines so they find the same files. */
  configDir?: string;
}

/** Everything a command needs, built once per invocation from the global options. */
export interface Context {
  env: Env;
  streams: Streams;
  out: Output;
  baseURL: string;
  configDir: string;
  store: CredentialStore;
  client: ApiClient;
  /** BURSTFLARE_TOKEN is in use (API token): no refresh, no stored credentials. */
  usingEnvToken: boolean;
  spinner(text: string): Spinner;
}

export function createContext(opts: GlobalOptions, env: Env, streams: Streams): Context {
  const baseURL = normalizeBaseURL(opts.url ?? env.BURSTFLARE_URL ?? DEFAULT_URL);
  const dir = opts.configDir ? path.resolve(opts.configDir) : configDir(env);
  const store = new CredentialStore(dir);
  const envToken = env.BURSTFLARE_TOKEN?.trim() || null;
  const out = new Output(streams, opts.json === true);
  const tokens: TokenSource = envToken ? { getToken: async () => envToken } : storedTokens(store, baseURL);
  const client = new ApiClient({ baseURL, tokens, userAgent: `flare/${API_VERSION} node/${process.versions.node}` });
  return {
    env,
    streams,
    out,
    baseURL,
    configDir: dir,
    store,
    client,
    usingEnvToken: envToken !== null,
    spinner: (text) => new Spinner(streams.stderr, { json: out.json }).start(text),
  };
}

/** Exchanges a refresh token for a new pair (the old refresh token stops working). */
async function refreshCredentials(baseURL: string, creds: ServerCredentials): Promise<ServerCredentials> {
  if (!creds.refreshToken) throw new ApiError("unauthorized", "the stored credentials cannot be refreshed");
  const client = new ApiClient({ baseURL });
  const pair = await client.call("POST /api/auth/refresh", {
    body: { refreshToken: creds.refreshToken },
    schema: tokenPairSchema,
    auth: false,
  });
  return {
    ...creds,
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessExpiresAt: Date.now() + pair.expiresIn * 1000,
  };
}

/**
 * Tokens from credentials.json, refreshed under the store's lock: whoever holds the lock
 * re-reads the file first, so a token another process just rotated is reused, not re-rotated.
 */
function storedTokens(store: CredentialStore, baseURL: string): TokenSource {
  const refresh = async (rejected: string | null): Promise<string | null> =>
    store.withLock(async () => {
      const current = store.get(baseURL);
      if (!current) return null;
      const fresh = current.accessToken !== rejected && current.accessExpiresAt - REFRESH_MARGIN_MS > Date.now();
      if (fresh) return current.accessToken;
      try {
        const next = await refreshCredentials(baseURL, current);
        store.set(baseURL, next);
        return next.accessToken;
      } catch (err) {
        // A refused refresh token is dead for good (expired, revoked or reused): sign out locally.
        if (err instanceof ApiError && err.status < 500) store.delete(baseURL);
        else throw err;
        return null;
      }
    });
  return {
    async getToken() {
      const creds = store.get(baseURL);
      if (!creds) return null;
      if (creds.accessExpiresAt - REFRESH_MARGIN_MS > Date.now() || !creds.refreshToken) return creds.accessToken;
      return (await refresh(creds.accessToken)) ?? creds.accessToken;
    },
    refresh: (rejected) => refresh(rejected),
  };
}
