import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { requireAuth } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { requireUserSession } from "../guards";

/** Reading my own credentials (tokens, keys, passkeys): a person's sign-in, not an API token. */
export const accountReads: MiddlewareHandler<AppEnv>[] = [rateLimit("auth.read"), requireAuth, requireUserSession];
/** Changing them: the same, and rate-limited per user. */
export const accountWrites: MiddlewareHandler<AppEnv>[] = [requireAuth, requireUserSession, rateLimit("auth.account", { byUser: true })];
