import { type BindingName, bindingNames, type Health, healthSchema } from "@burstflare/sdk/schemas/health";
import { API_VERSION } from "@burstflare/sdk/version";
import { createRoute } from "@hono/zod-openapi";
import type { AppBindings } from "../../env";
import { createRouter } from "../../lib/app";
import { dbOf } from "../../lib/db";
import { jsonResponse } from "../../lib/openapi";
import { getRuntimeDriver, runtimeDriverName } from "../../runtime-drivers/select";
import { pingDb } from "../health-repo";

const health = createRouter();

/** Each binding is exercised, not just looked up, so a mis-bound resource shows as false. */
async function checkBinding(env: AppBindings, name: BindingName): Promise<boolean> {
  try {
    switch (name) {
      case "DB":
        return await pingDb(dbOf(env));
      case "KV":
        await env.KV.get("health-probe");
        return true;
      case "BUCKET":
        await env.BUCKET.head("health-probe");
        return true;
      case "BUILD_QUEUE":
        return typeof env.BUILD_QUEUE?.send === "function";
      case "RECONCILE_QUEUE":
        return typeof env.RECONCILE_QUEUE?.send === "function";
      case "BUILD_WORKFLOW":
        return typeof env.BUILD_WORKFLOW?.create === "function";
      case "SESSION":
        return typeof env.SESSION?.idFromName("health-probe")?.toString() === "string";
      case "WORKSPACE_CONTAINER":
        return typeof env.WORKSPACE_CONTAINER?.idFromName("health-probe")?.toString() === "string";
      case "WORKSPACE_EVENTS":
        return typeof env.WORKSPACE_EVENTS?.idFromName("health-probe")?.toString() === "string";
    }
  } catch {
    return false;
  }
}

health.openapi(
  createRoute({
    method: "get",
    path: "/api/health",
    tags: ["operations"],
    summary: "Liveness, bindings and configuration",
    responses: { 200: jsonResponse(healthSchema) },
  }),
  async (c) => {
    const entries = await Promise.all(bindingNames.map(async (n) => [n, await checkBinding(c.env, n)] as const));
    const bindings = Object.fromEntries(entries) as Record<BindingName, boolean>;
    const runtimeReachable = await getRuntimeDriver(c.env)
      .ping()
      .catch(() => false);
    const body: Health = {
      ok: Object.values(bindings).every(Boolean),
      version: API_VERSION,
      bindings,
      runtimeDriver: runtimeDriverName(c.env),
      runtimeReachable,
      turnstileEnabled: Boolean(c.env.TURNSTILE_SECRET_KEY),
      signupPolicy: (["open", "invite-only", "closed"] as const).find((p) => p === c.env.SIGNUP_POLICY) ?? "invite-only",
      time: new Date().toISOString(),
    };
    return c.json(body, 200);
  },
);

export default health;
