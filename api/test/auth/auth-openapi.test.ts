import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("auth routes in the OpenAPI document", () => {
  it("lists every auth and device-flow path", async () => {
    const res = await exports.default.fetch("http://localhost/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const path of [
      "/api/auth/passkeys/register/start",
      "/api/auth/passkeys/register/finish",
      "/api/auth/passkeys/login/start",
      "/api/auth/passkeys/login/finish",
      "/api/auth/recover",
      "/api/auth/me",
      "/api/auth/logout",
      "/api/auth/logout-all",
      "/api/auth/sign-ins",
      "/api/auth/sign-ins/{signInId}",
      "/api/auth/passkeys",
      "/api/auth/passkeys/{passkeyId}",
      "/api/auth/tokens",
      "/api/auth/ssh-keys",
      "/api/auth/refresh",
      "/api/cli/device/start",
      "/api/cli/device/approve",
      "/api/cli/device/exchange",
      "/api/admin/signup-invites",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
