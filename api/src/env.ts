import type { AuthContext } from "./middleware/auth";

/** Secrets are not in wrangler.toml; locally they come from .dev.vars or `--var` (see scripts/lib/processes.mjs). */
interface Secrets {
  LOCAL_RUNTIME_SECRET: string;
  SECRETS_KEY: string;
  TURNSTILE_SECRET_KEY?: string;
}

declare global {
  interface Env extends Secrets {}
  namespace Cloudflare {
    interface Env extends Secrets {}
  }
}

export type AppBindings = Env;

export interface AppEnv {
  Bindings: AppBindings;
  Variables: {
    requestId: string;
    auth: AuthContext;
  };
}
