import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../../../../sdk/errors";
import {
  addSSHKeyBodySchema,
  apiTokenSchema,
  createApiTokenBodySchema,
  createApiTokenResponseSchema,
  okSchema,
  sshKeySchema,
} from "../../../../sdk/schemas/auth";
import { idSchema } from "../../../../sdk/schemas/common";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/app";
import { audit } from "../../lib/audit";
import { newId } from "../../lib/crypto";
import { errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { now } from "../../lib/time";
import { requireAuth } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { closeConnectionsAfter } from "../../sessions/connections";
import { requireUserSession } from "../guards";
import { type ApiTokenRow, type SSHKeyRow, toApiToken, toSSHKey } from "../serialize";
import { parseOpenSSHPublicKey } from "../ssh-keys";
import { hashToken, newSecret, TOKEN_PREFIX } from "../tokens";

const router = createRouter();
const tags = ["auth"];
const reads: MiddlewareHandler<AppEnv>[] = [rateLimit("auth.read"), requireAuth, requireUserSession];
const writes: MiddlewareHandler<AppEnv>[] = [requireAuth, requireUserSession, rateLimit("auth.account", { byUser: true })];
const MAX_PER_USER = 50;
const DAY_MS = 24 * 3600 * 1000;
const idParam = { params: z.object({ id: idSchema }) };

router.openapi(
  createRoute({
    method: "post",
    path: "/api/auth/tokens",
    tags,
    summary: "Create an API token for automation (shown once)",
    middleware: writes,
    request: jsonBody(createApiTokenBodySchema),
    responses: { 200: jsonResponse(createApiTokenResponseSchema), ...errorResponses },
  }),
  async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    const t = now();
    const active = await c.env.DB.prepare(
      "SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
    )
      .bind(auth.userId, t)
      .first<{ n: number }>();
    if ((active?.n ?? 0) >= MAX_PER_USER) throw new ApiError("quota_exceeded", `at most ${MAX_PER_USER} active API tokens`);
    const token = newSecret(TOKEN_PREFIX.api);
    const row: ApiTokenRow = {
      id: newId("tok"),
      name: body.name,
      prefix: token.slice(0, TOKEN_PREFIX.api.length + 6),
      workspace_id: auth.workspaceId,
      created_at: t,
      last_used_at: null,
      expires_at: body.expiresInDays ? t + body.expiresInDays * DAY_MS : null,
    };
    await c.env.DB.prepare(
      "INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(row.id, auth.userId, row.workspace_id, row.name, await hashToken(token), row.prefix, t, row.expires_at)
      .run();
    await audit(c, {
      action: "auth.token_create",
      targetType: "api_token",
      targetId: row.id,
      details: { name: row.name, expiresAt: row.expires_at },
    });
    return c.json({ token, apiToken: toApiToken(row) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "get",
    path: "/api/auth/tokens",
    tags,
    summary: "My active API tokens (never the secret)",
    middleware: reads,
    responses: { 200: jsonResponse(z.object({ tokens: z.array(apiTokenSchema) })), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.env.DB.prepare(
      `SELECT id, name, prefix, workspace_id, created_at, last_used_at, expires_at FROM api_tokens
       WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC`,
    )
      .bind(c.get("auth").userId, now())
      .all<ApiTokenRow>();
    return c.json({ tokens: rows.results.map(toApiToken) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/api/auth/tokens/{id}",
    tags,
    summary: "Revoke an API token",
    middleware: writes,
    request: idParam,
    responses: { 200: jsonResponse(okSchema), ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const done = await c.env.DB.prepare(
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id",
    )
      .bind(now(), id, c.get("auth").userId)
      .first();
    if (!done) throw new ApiError("not_found", "API token not found");
    await audit(c, { action: "auth.token_revoke", targetType: "api_token", targetId: id });
    await closeConnectionsAfter(c, { userId: c.get("auth").userId }, { credential: { kind: "api_token", id } });
    return c.json({ ok: true as const }, 200);
  },
);

router.openapi(
  createRoute({
    method: "get",
    path: "/api/auth/ssh-keys",
    tags,
    summary: "My SSH public keys",
    middleware: reads,
    responses: { 200: jsonResponse(z.object({ keys: z.array(sshKeySchema) })), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.env.DB.prepare(
      "SELECT id, name, public_key, fingerprint, managed, created_at FROM ssh_keys WHERE user_id = ? ORDER BY created_at DESC",
    )
      .bind(c.get("auth").userId)
      .all<SSHKeyRow>();
    return c.json({ keys: rows.results.map(toSSHKey) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/api/auth/ssh-keys",
    tags,
    summary: "Add an OpenSSH public key (ssh-ed25519, ecdsa-sha2-*, ssh-rsa ≥ 2048 bits)",
    middleware: writes,
    request: jsonBody(addSSHKeyBodySchema),
    responses: { 200: jsonResponse(z.object({ key: sshKeySchema })), ...errorResponses },
  }),
  async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    const parsed = await parseOpenSSHPublicKey(body.publicKey);
    const count = await c.env.DB.prepare("SELECT COUNT(*) AS n FROM ssh_keys WHERE user_id = ?").bind(auth.userId).first<{ n: number }>();
    if ((count?.n ?? 0) >= MAX_PER_USER) throw new ApiError("quota_exceeded", `at most ${MAX_PER_USER} SSH keys`);
    const row: SSHKeyRow = {
      id: newId("key"),
      name: (body.name ?? parsed.comment ?? parsed.keyType).slice(0, 80),
      public_key: parsed.publicKey,
      fingerprint: parsed.fingerprint,
      managed: body.managed ? 1 : 0,
      created_at: now(),
    };
    try {
      await c.env.DB.prepare(
        "INSERT INTO ssh_keys (id, user_id, name, public_key, fingerprint, managed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
        .bind(row.id, auth.userId, row.name, row.public_key, row.fingerprint, row.managed, row.created_at)
        .run();
    } catch (err) {
      if (String(err).includes("UNIQUE")) throw new ApiError("conflict", `this key is already registered (${parsed.fingerprint})`);
      throw err;
    }
    await audit(c, {
      action: "auth.ssh_key_add",
      targetType: "ssh_key",
      targetId: row.id,
      details: { fingerprint: row.fingerprint, managed: row.managed === 1 },
    });
    return c.json({ key: toSSHKey(row) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/api/auth/ssh-keys/{id}",
    tags,
    summary: "Remove an SSH public key",
    middleware: writes,
    request: idParam,
    responses: { 200: jsonResponse(okSchema), ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const done = await c.env.DB.prepare("DELETE FROM ssh_keys WHERE id = ? AND user_id = ? RETURNING fingerprint")
      .bind(id, c.get("auth").userId)
      .first<{ fingerprint: string }>();
    if (!done) throw new ApiError("not_found", "SSH key not found");
    await audit(c, { action: "auth.ssh_key_delete", targetType: "ssh_key", targetId: id, details: { fingerprint: done.fingerprint } });
    return c.json({ ok: true as const }, 200);
  },
);

export default router;
