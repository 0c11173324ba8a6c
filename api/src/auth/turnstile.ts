import { ApiError } from "@burstflare/sdk/errors";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { log } from "../lib/log";
import { authConfig } from "./config";

/**
 * Checks a Turnstile token with the siteverify endpoint when a secret is configured;
 * without one, Turnstile is off and this is a no-op.
 */
export async function verifyTurnstile(c: Context<AppEnv>, token: string | undefined, action: string): Promise<void> {
  const cfg = authConfig(c.env);
  if (!cfg.turnstileSecret) return;
  if (!token) throw new ApiError("turnstile_failed", "complete the human check first");
  const form = new FormData();
  form.set("secret", cfg.turnstileSecret);
  form.set("response", token);
  const ip = c.req.header("cf-connecting-ip");
  if (ip) form.set("remoteip", ip);
  let outcome: { success?: boolean; "error-codes"?: string[] };
  try {
    const res = await fetch(cfg.turnstileVerifyURL, { method: "POST", body: form });
    outcome = (await res.json()) as typeof outcome;
  } catch (err) {
    log("warn", "turnstile verify unreachable", { action, error: String(err) });
    throw new ApiError("turnstile_failed", "could not verify the human check; try again");
  }
  if (outcome.success !== true) {
    log("info", "turnstile rejected", { action, errors: outcome["error-codes"] });
    throw new ApiError("turnstile_failed", "human check failed; try again");
  }
}
