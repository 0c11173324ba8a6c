import { env } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { templateVersionSchema } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { seedSecrets, seedTemplate } from "../../src/admin/seed";
import { newId } from "../../src/lib/crypto";
import { getSessionById, insertSession } from "../../src/sessions/records";
import { secretsEnvFor } from "../../src/workspaces/secrets";
import { createTemplate, createVersion } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

const putSecret = (user: TestUser, name: string, value: string) =>
  call("PUT", "/api/workspaces/current/secrets", { user, body: { name, value } });

/** Names a session could use to make the runtime host or the agent run its own files. */
const REFUSED: [name: string, why: RegExp][] = [
  ["PATH", /PATH is reserved: it decides which programs run/],
  ["LD_PRELOAD", /LD_PRELOAD is reserved: the dynamic linker/],
  ["NODE_OPTIONS", /NODE_OPTIONS is reserved: Node\.js loads code/],
  ["BASH_ENV", /BASH_ENV is reserved/],
  ["HOME", /HOME is reserved/],
  ["BURSTFLARE_X", /BURSTFLARE_X is reserved: BurstFlare owns the BURSTFLARE_ names/],
  ["path", /path is reserved/],
  ["A=B", /"A=B" is not an environment variable name/],
  ["BASH_FUNC_x%%", /"BASH_FUNC_x%%" is not an environment variable name/],
];

describe("reserved environment names", () => {
  it("refuses them as secrets with validation_failed naming the variable and why", async () => {
    const owner = await createTestUser();
    for (const [name, why] of REFUSED) {
      const res = await putSecret(owner, name, "/tmp/payload");
      expect(res.status, name).toBe(400);
      const { error } = (await res.json()) as ErrorBody;
      expect(error.code, name).toBe("validation_failed");
      expect(error.message, name).toMatch(why);
    }
    expect((await putSecret(owner, "DATABASE_URL", "postgres://db")).status).toBe(200);
    expect((await putSecret(owner, "NODE_ENV", "development")).status).toBe(200);
    const nul = await putSecret(owner, "WITH_NUL", "a\u0000b");
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as ErrorBody).error.message).toMatch(/NUL/);
    expect(await secretsEnvFor(env, owner.workspaceId)).toEqual({ DATABASE_URL: "postgres://db", NODE_ENV: "development" });
  });

  it("refuses them in a template version's manifest env", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    for (const [name, why] of REFUSED) {
      const res = await call("POST", `/api/templates/${tpl.id}/versions`, {
        user,
        body: { version: "1.0.0", manifest: { persistedPaths: [], env: { OK: "1", [name]: "/tmp/payload" } } },
      });
      expect(res.status, name).toBe(400);
      const { error } = (await res.json()) as ErrorBody & { error: { details: { path: string; message: string }[] } };
      expect(error.code, name).toBe("validation_failed");
      expect(error.message, name).toContain(`manifest.env.${name}: `);
      expect(error.details.find((d) => d.path === `manifest.env.${name}`)?.message, name).toMatch(why);
    }
    const created = await createVersion(user, tpl.id, "1.0.0", { persistedPaths: [], env: { DATABASE_URL: "postgres://db" } });
    expect(created.version.manifest.env).toEqual({ DATABASE_URL: "postgres://db" });
  });

  it("ignores reserved names stored before the rule, keeping the rest and letting the owner delete them", async () => {
    const owner = await createTestUser();
    await putSecret(owner, "DATABASE_URL", "postgres://db");
    // Rows as an older API saved them, before reserved names were refused.
    const legacy = { PATH: "/tmp/payload", LD_PRELOAD: "/tmp/payload", NODE_OPTIONS: "/tmp/payload" };
    await seedSecrets(env, owner.workspaceId, legacy);
    expect(await secretsEnvFor(env, owner.workspaceId)).toEqual({ DATABASE_URL: "postgres://db" });
    expect((await call("DELETE", "/api/workspaces/current/secrets/PATH", { user: owner })).status).toBe(200);

    // A version saved before the rule, its manifest's env unchecked.
    const legacyEnv = { NODE_OPTIONS: "--require /tmp/x.js", PATH: "/tmp", KEEP: "yes" };
    const seeded = await seedTemplate(
      env,
      { workspaceId: owner.workspaceId, manifest: { persistedPaths: ["."] }, legacyEnv },
      owner.userId,
    );
    const tpl = { id: seeded.templateId };
    const version = { id: seeded.versionId };
    const res = await call("GET", `/api/templates/${tpl.id}/versions/${version.id}`, { user: owner });
    expect(res.status).toBe(200);
    expect(templateVersionSchema.parse(await res.json()).manifest.env).toEqual({ KEEP: "yes" });
    // A session row carries its own copy of the manifest: it starts with the harmless part.
    const sessionId = newId("ses");
    const config = { manifest: { persistedPaths: ["."], env: legacyEnv }, artifactKey: null, bundleKey: null };
    const base = { workspaceId: owner.workspaceId, ownerId: owner.userId, templateId: null, versionId: null, startOnIntent: false };
    await insertSession(env, { ...base, requireLiveTemplate: false, id: sessionId, name: "reserved-env", config, at: Date.now() });
    expect((await getSessionById(env, sessionId))?.config.manifest.env).toEqual({ KEEP: "yes" });
  });
});
