import { requireAuth } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { requireUserSession } from "../guards";

/** Reading my own credentials (tokens, keys, passkeys): a person's sign-in, not an API token. */
export const accountReads = [rateLimit("auth.read"), requireAuth, requireUserSession] as const;
/** Changing them: the same, and rate-limited per user. */
export const accountWrites = [requireAuth, requireUserSession, rateLimit("auth.account", { byUser: true })] as const;
