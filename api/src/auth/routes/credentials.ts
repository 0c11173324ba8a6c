import { ApiError } from "@burstflare/sdk/errors";
import {
  addSSHKeyBodySchema,
  apiTokenSchema,
  createApiTokenBodySchema,
  createApiTokenResponseSchema,
  okSchema,
  type SSHKey,
  sshKeySchema,
} from "@burstflare/sdk/schemas/auth";
import { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { newId } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { now } from "../../lib/time";
import { closeConnectionsAfter } from "../../sessions/connections";
import { issueApiToken } from "../api-tokens";
import { listActiveApiTokens, revokeApiToken } from "../api-tokens-repo";
import { parseOpenSSHPublicKey } from "../ssh-keys";
import { deleteSSHKey, insertSSHKey, listSSHKeys, SSH_KEY_BOUNDS } from "../ssh-keys-repo";
import { accountReads, accountWrites } from "./account-policy";

const { router, route } = apiRouter(["auth"]);
const DAY_MS = 24 * 3600 * 1000;

route.post("/api/auth/tokens", accountWrites, {
  summary: "Create an API token for automation (shown once)",
  request: jsonBody(createApiTokenBodySchema),
  responses: { 200: jsonResponse(createApiTokenResponseSchema) },
  handler: async (c, { auth, body }) => {
    const t = now();
    const expiresAt = body.expiresInDays ? t + body.expiresInDays * DAY_MS : null;
    const { token, apiToken } = await issueApiToken(c.env, auth.userId, { name: body.name, workspaceId: auth.workspaceId, expiresAt }, t);
    await audit(c, {
      action: "auth.token_create",
      targetType: "api_token",
      targetId: apiToken.id,
      details: { name: apiToken.name, expiresAt },
    });
    return c.json({ token, apiToken }, 200);
  },
});

route.get("/api/auth/tokens", accountReads, {
  summary: "My active API tokens (never the secret)",
  responses: { 200: jsonResponse(z.object({ tokens: z.array(apiTokenSchema) })) },
  handler: async (c, { auth }) => {
    return c.json({ tokens: await listActiveApiTokens(dbOf(c.env), auth.userId, now()) }, 200);
  },
});

route.delete("/api/auth/tokens/{tokenId}", accountWrites, {
  summary: "Revoke an API token",
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { auth, params: { tokenId: id } }) => {
    if (!(await revokeApiToken(dbOf(c.env), auth.userId, id, now()))) throw new ApiError("not_found", "API token not found");
    await audit(c, { action: "auth.token_revoke", targetType: "api_token", targetId: id });
    await closeConnectionsAfter(c, { userId: auth.userId }, { credential: { kind: "api_token", id } });
    return c.json({ ok: true as const }, 200);
  },
});

route.get("/api/auth/ssh-keys", accountReads, {
  summary: "My SSH public keys",
  responses: { 200: jsonResponse(z.object({ keys: z.array(sshKeySchema) })) },
  handler: async (c, { auth }) => {
    return c.json({ keys: await listSSHKeys(dbOf(c.env), auth.userId) }, 200);
  },
});

route.post("/api/auth/ssh-keys", accountWrites, {
  summary: "Add an OpenSSH public key (ssh-ed25519, ecdsa-sha2-*, ssh-rsa ≥ 2048 bits)",
  request: jsonBody(addSSHKeyBodySchema),
  responses: { 200: jsonResponse(z.object({ key: sshKeySchema })) },
  handler: async (c, { auth, body }) => {
    const parsed = await parseOpenSSHPublicKey(body.publicKey);
    const db = dbOf(c.env);
    let key: SSHKey | null;
    try {
      key = await insertSSHKey(db, auth.userId, {
        id: newId("key"),
        name: (body.name ?? parsed.comment ?? parsed.keyType).slice(0, 80),
        publicKey: parsed.publicKey,
        fingerprint: parsed.fingerprint,
        managed: body.managed ?? false,
        createdAt: now(),
      });
    } catch (err) {
      if (String(err).includes("UNIQUE")) throw new ApiError("conflict", `this key is already registered (${parsed.fingerprint})`);
      throw err;
    }
    if (!key) throw new ApiError("quota_exceeded", `at most ${SSH_KEY_BOUNDS.maxLive} SSH keys`);
    await audit(c, {
      action: "auth.ssh_key_add",
      targetType: "ssh_key",
      targetId: key.id,
      details: { fingerprint: key.fingerprint, managed: key.managed },
    });
    return c.json({ key }, 200);
  },
});

route.delete("/api/auth/ssh-keys/{keyId}", accountWrites, {
  summary: "Remove an SSH public key",
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { auth, params: { keyId: id } }) => {
    const fingerprint = await deleteSSHKey(dbOf(c.env), auth.userId, id);
    if (!fingerprint) throw new ApiError("not_found", "SSH key not found");
    await audit(c, { action: "auth.ssh_key_delete", targetType: "ssh_key", targetId: id, details: { fingerprint } });
    return c.json({ ok: true as const }, 200);
  },
});

export default router;
