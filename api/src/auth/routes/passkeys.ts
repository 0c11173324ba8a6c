import { ApiError } from "@burstflare/sdk/errors";
import {
  addPasskeyFinishBodySchema,
  ceremonyStartResponseSchema,
  credentialIdSchema,
  okSchema,
  passkeySchema,
  recoveryCodesResponseSchema,
  recoveryCodesStatusSchema,
  renamePasskeyBodySchema,
} from "@burstflare/sdk/schemas/auth";
import { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { now } from "../../lib/time";
import { contractView } from "../../lib/view";
import { consumeChallenge } from "../challenges";
import { deletePasskeyKeepingOne, findPasskey, insertPasskey, listPasskeys, PASSKEY_BOUNDS, renamePasskey } from "../passkeys-repo";
import { newRecoveryCodes, remainingRecoveryCodes } from "../recovery-codes";
import { findUser } from "../users-repo";
import { parseTransports, registrationOptions, verifyRegistration } from "../webauthn";
import { accountReads, accountWrites } from "./account-policy";
import { ceremonyStart } from "./ceremony-start";

const { router, route } = apiRouter(["auth"]);
const passkeyParam = { params: z.object({ passkeyId: credentialIdSchema }) };
const tooManyPasskeys = () => new ApiError("quota_exceeded", `at most ${PASSKEY_BOUNDS.maxLive} passkeys per account`);

route.get("/api/auth/passkeys", accountReads, {
  summary: "List my passkeys",
  responses: { 200: jsonResponse(z.object({ passkeys: z.array(passkeySchema) })) },
  handler: async (c, { auth }) =>
    c.json({ passkeys: (await listPasskeys(dbOf(c.env), auth.userId)).map((p) => contractView(passkeySchema, p)) }, 200),
});

route.post("/api/auth/passkeys/add/start", accountWrites, {
  summary: "Start adding another passkey to my account",
  responses: { 200: jsonResponse(ceremonyStartResponseSchema) },
  handler: async (c, { auth }) => {
    const db = dbOf(c.env);
    const user = await findUser(db, auth.userId);
    if (!user) throw new ApiError("unauthorized", "sign in first");
    const existing = await listPasskeys(db, user.id);
    // Refused here already so no ceremony starts that could not finish; finish's insert is what holds the limit.
    if (existing.length >= PASSKEY_BOUNDS.maxLive) throw tooManyPasskeys();
    const options = await registrationOptions(
      c.env,
      user,
      existing.map((p) => ({ id: p.id, transports: parseTransports(p.transports) })),
    );
    return c.json(await ceremonyStart(c.env, options, { kind: "add_passkey", userId: user.id }), 200);
  },
});

route.post("/api/auth/passkeys/add/finish", accountWrites, {
  summary: "Finish adding a passkey",
  request: jsonBody(addPasskeyFinishBodySchema),
  responses: { 200: jsonResponse(z.object({ passkey: passkeySchema })) },
  handler: async (c, { auth, body }) => {
    const challenge = await consumeChallenge(c.env, body.challengeId, "add_passkey");
    // A challenge started by one user cannot be finished by another.
    if (challenge.userId !== auth.userId) throw new ApiError("challenge_invalid", "unknown or already used challenge; start again");
    const db = dbOf(c.env);
    const count = (await listPasskeys(db, auth.userId)).length;
    const passkey = await verifyRegistration(c.env, body.credential, challenge.challenge, body.name ?? `Passkey ${count + 1}`);
    let added: boolean;
    try {
      added = await insertPasskey(db, auth.userId, passkey, now());
    } catch (err) {
      if (String(err).includes("UNIQUE")) throw new ApiError("conflict", "this passkey is already registered");
      throw err;
    }
    if (!added) throw tooManyPasskeys();
    await audit(c, {
      action: "auth.passkey_add",
      targetType: "passkey",
      targetId: passkey.id.slice(0, 64),
      details: { name: passkey.name },
    });
    const row = await findPasskey(db, passkey.id);
    return c.json({ passkey: contractView(passkeySchema, row!) }, 200);
  },
});

route.patch("/api/auth/passkeys/{passkeyId}", accountWrites, {
  summary: "Rename a passkey",
  request: { ...passkeyParam, ...jsonBody(renamePasskeyBodySchema) },
  responses: { 200: jsonResponse(z.object({ passkey: passkeySchema })) },
  handler: async (c, { auth, params: { passkeyId: id }, body: { name } }) => {
    const row = await renamePasskey(dbOf(c.env), auth.userId, id, name);
    if (!row) throw new ApiError("not_found", "passkey not found");
    await audit(c, { action: "auth.passkey_rename", targetType: "passkey", targetId: id.slice(0, 64), details: { name } });
    return c.json({ passkey: contractView(passkeySchema, row) }, 200);
  },
});

route.delete("/api/auth/passkeys/{passkeyId}", accountWrites, {
  summary: "Delete a passkey (never the last one)",
  request: passkeyParam,
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { auth, params: { passkeyId: id } }) => {
    // The guard is in the statement so two concurrent deletes cannot remove the last two.
    const outcome = await deletePasskeyKeepingOne(dbOf(c.env), auth.userId, id);
    if (outcome === "missing") throw new ApiError("not_found", "passkey not found");
    if (outcome === "last") throw new ApiError("invalid_state", "you cannot delete your last passkey; add another one first");
    await audit(c, { action: "auth.passkey_delete", targetType: "passkey", targetId: id.slice(0, 64) });
    return c.json({ ok: true as const }, 200);
  },
});

route.get("/api/auth/recovery-codes", accountReads, {
  summary: "How many unused recovery codes I have",
  responses: { 200: jsonResponse(recoveryCodesStatusSchema) },
  handler: async (c, { auth }) => c.json({ remaining: await remainingRecoveryCodes(c.env, auth.userId) }, 200),
});

route.post("/api/auth/recovery-codes", accountWrites, {
  summary: "Replace my recovery codes with 10 new ones (shown once)",
  responses: { 200: jsonResponse(recoveryCodesResponseSchema) },
  handler: async (c, { auth }) => {
    const { codes, statements } = await newRecoveryCodes(c.env, auth.userId);
    await dbOf(c.env).batch(statements);
    await audit(c, { action: "auth.recovery_codes_regenerate", targetType: "user", targetId: auth.userId });
    return c.json({ recoveryCodes: codes }, 200);
  },
});

export default router;
