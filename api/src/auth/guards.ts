import { ApiError } from "@burstflare/sdk/errors";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

/**
 * Account credentials (passkeys, recovery codes, tokens, sessions) are managed by
 * the person, from a browser or CLI sign-in; an automation API token must not be
 * able to mint more credentials or lock its owner out.
 */
export const requireUserSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("auth")?.via === "api_token")
    throw new ApiError(
      "token_not_allowed",
      "API tokens cannot manage account credentials (passkeys, SSH keys, tokens, sign-ins); a signed-in person must",
    );
  await next();
};
