import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../../../sdk/errors";
import { putSecretBody, secretListSchema, secretSchema, storedSecretNameSchema } from "../../../../sdk/schemas/workspaces";
import { createRouter } from "../../lib/app";
import { audit } from "../../lib/audit";
import { newId } from "../../lib/crypto";
import { errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { iso, now } from "../../lib/time";
import { sealSecret } from "../secrets";
import { guard } from "./guard";

const router = createRouter();
const tags = ["secrets"];

interface SecretRow {
  name: string;
  created_at: number;
  updated_at: number;
}
const toSecret = (r: SecretRow) => ({ name: r.name, createdAt: iso(r.created_at) ?? "", updatedAt: iso(r.updated_at) ?? "" });

/** A workspace may hold this many secrets; they all travel in every runtime's environment. */
const MAX_SECRETS = 100;

router.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/current/secrets",
    tags,
    summary: "Secret names and timestamps; values are never returned",
    middleware: guard("secrets.read"),
    responses: { 200: jsonResponse(secretListSchema), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.env.DB.prepare("SELECT name, created_at, updated_at FROM workspace_secrets WHERE workspace_id = ? ORDER BY name")
      .bind(c.get("auth").workspaceId)
      .all<SecretRow>();
    return c.json({ secrets: rows.results.map(toSecret) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "put",
    path: "/api/workspaces/current/secrets",
    tags,
    summary: "Set a secret (encrypted at rest, delivered to runtimes as an environment variable)",
    middleware: guard("secrets.write"),
    request: jsonBody(putSecretBody),
    responses: { 200: jsonResponse(z.object({ secret: secretSchema })), ...errorResponses },
  }),
  async (c) => {
    const { workspaceId } = c.get("auth");
    const { name, value } = c.req.valid("json");
    const t = now();
    const existing = await c.env.DB.prepare("SELECT created_at FROM workspace_secrets WHERE workspace_id = ? AND name = ?")
      .bind(workspaceId, name)
      .first<{ created_at: number }>();
    if (!existing) {
      const count = await c.env.DB.prepare("SELECT COUNT(*) AS n FROM workspace_secrets WHERE workspace_id = ?")
        .bind(workspaceId)
        .first<{ n: number }>();
      if ((count?.n ?? 0) >= MAX_SECRETS) throw new ApiError("conflict", `a workspace holds at most ${MAX_SECRETS} secrets`);
    }
    const sealed = await sealSecret(c.env, workspaceId, name, value);
    await c.env.DB.prepare(
      `INSERT INTO workspace_secrets (id, workspace_id, name, ciphertext, iv, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, name) DO UPDATE SET ciphertext = excluded.ciphertext, iv = excluded.iv, updated_at = excluded.updated_at`,
    )
      .bind(newId("sec"), workspaceId, name, sealed.ciphertext, sealed.iv, t, t)
      .run();
    await audit(c, { action: existing ? "secret.update" : "secret.create", targetType: "secret", targetId: name });
    return c.json({ secret: toSecret({ name, created_at: existing?.created_at ?? t, updated_at: t }) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/api/workspaces/current/secrets/{name}",
    tags,
    summary: "Delete a secret",
    middleware: guard("secrets.write"),
    request: { params: z.object({ name: storedSecretNameSchema }) },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) })), ...errorResponses },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const res = await c.env.DB.prepare("DELETE FROM workspace_secrets WHERE workspace_id = ? AND name = ?")
      .bind(c.get("auth").workspaceId, name)
      .run();
    if (res.meta.changes !== 1) throw new ApiError("not_found", "secret not found");
    await audit(c, { action: "secret.delete", targetType: "secret", targetId: name });
    return c.json({ ok: true as const }, 200);
  },
);

export default router;
