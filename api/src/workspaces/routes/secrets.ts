import { ApiError } from "@burstflare/sdk/errors";
import { putSecretBody, secretListSchema, secretSchema, storedSecretNameSchema } from "@burstflare/sdk/schemas/workspaces";
import { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { newId } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { now } from "../../lib/time";
import { sealSecret, tooManySecrets } from "../secrets";
import { deleteSecret, findSecretCreatedAt, listSecretInfo, upsertSecret } from "../secrets-repo";

const { router, route } = apiRouter(["secrets"]);

route.get("/api/workspaces/current/secrets", permitted("secrets.read"), {
  summary: "Secret names and timestamps; values are never returned",
  responses: { 200: jsonResponse(secretListSchema) },
  handler: async (c, { auth }) => {
    return c.json({ secrets: await listSecretInfo(dbOf(c.env), auth.workspaceId) }, 200);
  },
});

route.put("/api/workspaces/current/secrets", permitted("secrets.write"), {
  summary: "Set a secret (encrypted at rest, delivered to runtimes as an environment variable)",
  request: jsonBody(putSecretBody),
  responses: { 200: jsonResponse(z.object({ secret: secretSchema })) },
  handler: async (c, { auth, body: { name, value } }) => {
    const { workspaceId } = auth;
    const t = now();
    const db = dbOf(c.env);
    const existing = await findSecretCreatedAt(db, workspaceId, name);
    const sealed = await sealSecret(c.env, workspaceId, name, value);
    const secret = await upsertSecret(db, {
      id: newId("sec"),
      workspaceId,
      name,
      ciphertext: sealed.ciphertext,
      iv: sealed.iv,
      createdAt: existing ?? t,
      updatedAt: t,
    });
    if (!secret) throw tooManySecrets();
    await audit(c, { action: existing !== null ? "secret.update" : "secret.create", targetType: "secret", targetId: name });
    return c.json({ secret }, 200);
  },
});

route.delete("/api/workspaces/current/secrets/{name}", permitted("secrets.write"), {
  summary: "Delete a secret",
  request: { params: z.object({ name: storedSecretNameSchema }) },
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) })) },
  handler: async (c, { auth, params: { name } }) => {
    if (!(await deleteSecret(dbOf(c.env), auth.workspaceId, name))) throw new ApiError("not_found", "secret not found");
    await audit(c, { action: "secret.delete", targetType: "secret", targetId: name });
    return c.json({ ok: true as const }, 200);
  },
});

export default router;
