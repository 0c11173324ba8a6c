import { errorBodySchema } from "@burstflare/sdk/schemas/common";
import { describe, expect, it } from "vitest";
import { BrowserClient, signUpWithPasskey } from "../helpers/browser";

/** Every auth route, with the method it answers. Authenticated ones are called with a real session. */
const ROUTES: [string, string][] = [
  ["POST", "/api/auth/passkeys/register/start"],
  ["POST", "/api/auth/passkeys/register/finish"],
  ["POST", "/api/auth/passkeys/login/start"],
  ["POST", "/api/auth/passkeys/login/finish"],
  ["POST", "/api/auth/recover"],
  ["POST", "/api/auth/refresh"],
  ["POST", "/api/auth/passkeys/add/finish"],
  ["PATCH", "/api/auth/passkeys/AAAA"],
  ["POST", "/api/auth/tokens"],
  ["POST", "/api/auth/ssh-keys"],
  ["POST", "/api/cli/device/approve"],
  ["POST", "/api/cli/device/deny"],
  ["POST", "/api/cli/device/inspect"],
  ["POST", "/api/cli/device/exchange"],
  ["POST", "/api/admin/signup-invites"],
];

/** Not a JSON object at all: always 4xx. */
const NOT_OBJECTS = ["{not json", "", "null", "[]", "42"];
/** Objects with wrong, hostile or missing fields: some are valid for some routes, none may cause a 500. */
const BAD_BODIES: unknown[] = [
  ...NOT_OBJECTS,
  {},
  { email: 5, challengeId: ["x"], credential: "nope", name: { a: 1 } },
  { email: "not-an-email", code: "", refreshToken: "", deviceCode: "", userCode: "!!!", publicKey: "x" },
  { email: `${"a".repeat(300)}@example.com`, name: "n".repeat(500), publicKey: "ssh-ed25519 " + "A".repeat(20_000) },
  {
    challengeId: "ch_missing",
    credential: {
      id: "AAAA",
      rawId: "AAAA",
      type: "public-key",
      response: { clientDataJSON: "e30", attestationObject: "oA", authenticatorData: "AA", signature: "AA" },
    },
  },
  { challengeId: "../../etc/passwd", credential: { id: "A/B", rawId: "A", type: "public-key", response: {} } },
  { userCode: "ABCD-EFGH", deviceCode: "x".repeat(200), expiresInDays: -1, name: "ok" },
];

describe("auth routes never answer 500 to bad input", () => {
  it("answers malformed bodies with a 4xx and the error shape, and nothing with a 500", async () => {
    const { browser } = await signUpWithPasskey();
    const anonymous = new BrowserClient();
    for (const [method, path] of ROUTES) {
      for (const body of BAD_BODIES) {
        for (const client of [browser, anonymous]) {
          const res = await client.call(method, path, { body });
          const label = `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`;
          expect(res.status, label).toBeLessThan(500);
          if (NOT_OBJECTS.includes(body as string)) expect(res.status, label).toBeGreaterThanOrEqual(400);
          if (res.status >= 400) expect(errorBodySchema.safeParse(await res.json()).success, label).toBe(true);
        }
      }
    }
  });

  it("reports field errors as 400 validation_failed", async () => {
    const res = await new BrowserClient().call("POST", "/api/auth/passkeys/register/start", { body: { email: "nope" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((d) => d.path)).toContain("email");
  });

  it("answers unknown ids in paths with 404, not 500", async () => {
    const { browser } = await signUpWithPasskey();
    for (const path of [
      "/api/auth/passkeys/Zm9v",
      "/api/auth/sign-ins/as_nope",
      "/api/auth/sessions/as_nope",
      "/api/auth/tokens/tok_nope",
      "/api/auth/ssh-keys/key_nope",
    ]) {
      const res = await browser.call("DELETE", path);
      expect(res.status, path).toBe(404);
    }
    const traversal = await browser.call("DELETE", "/api/auth/sign-ins/..%2F..%2Fetc");
    expect(traversal.status).toBeGreaterThanOrEqual(400);
    expect(traversal.status).toBeLessThan(500);
  });
});
