import { ApiError } from "@burstflare/sdk/errors";
import {
  ceremonyStartResponseSchema,
  loginFinishBodySchema,
  loginFinishResponseSchema,
  loginStartBodySchema,
  registerFinishBodySchema,
  registerFinishResponseSchema,
  registerStartBodySchema,
  userSchema,
} from "@burstflare/sdk/schemas/auth";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { writeAudit } from "../../lib/audit";
import { base64url, newId } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { now } from "../../lib/time";
import { contractView } from "../../lib/view";
import { rateLimit } from "../../middleware/rate-limit";
import { findWorkspaceSummary } from "../../workspaces/workspaces-repo";
import { createAccount } from "../accounts";
import { consumeChallenge, consumeSignUp } from "../challenges";
import { startBrowserSignIn } from "../cookies";
import { sameOriginOnly } from "../origin-guard";
import { advancePasskeyCounter, findPasskey } from "../passkeys-repo";
import { auditFailedSignIn } from "../security-log";
import { checkSignupAllowed, claimInvite, releaseInvite } from "../signup";
import { verifyTurnstile } from "../turnstile";
import { findUser, findUserByEmail } from "../users-repo";
import { authenticationOptions, registrationOptions, verifyAuthentication, verifyRegistration } from "../webauthn";
import { ceremonyStart } from "./ceremony-start";

const { router, route } = apiRouter(["auth"]);

const ipOf = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? null;

route.post("/api/auth/passkeys/register/start", [sameOriginOnly, rateLimit("auth.register")] as const, {
  summary: "Start sign-up: email (+ invite code) → WebAuthn creation options",
  request: jsonBody(registerStartBodySchema),
  responses: { 200: jsonResponse(ceremonyStartResponseSchema) },
  handler: async (c, { body }) => {
    await checkSignupAllowed(c.env, body.email, body.inviteCode);
    await verifyTurnstile(c, body.turnstileToken, "register");
    if (await findUserByEmail(dbOf(c.env), body.email)) {
      throw new ApiError("conflict", "an account with this email exists; sign in instead");
    }
    // The user id is fixed now because the authenticator stores it as the credential's user handle.
    const userId = newId("usr");
    const options = await registrationOptions(c.env, { id: userId, email: body.email, name: body.name ?? null });
    const data = { name: body.name ?? null, inviteCode: body.inviteCode ?? null };
    return c.json(await ceremonyStart(c.env, options, { kind: "register", userId, email: body.email, data }), 200);
  },
});

route.post("/api/auth/passkeys/register/finish", [sameOriginOnly, rateLimit("auth.register")] as const, {
  summary: "Finish sign-up: verify the new passkey, create the account and sign in",
  request: jsonBody(registerFinishBodySchema),
  responses: { 200: jsonResponse(registerFinishResponseSchema) },
  handler: async (c, { body }) => {
    const { challenge, userId, email, name, inviteCode } = await consumeSignUp(c.env, body.challengeId);
    const passkey = await verifyRegistration(c.env, body.credential, challenge, "Passkey 1");
    // The policy and invite are checked again: either may have changed during the ceremony.
    const invite = await checkSignupAllowed(c.env, email, inviteCode);
    if (invite && !(await claimInvite(c.env, invite, userId))) {
      throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
    }
    let account: Awaited<ReturnType<typeof createAccount>>;
    try {
      account = await createAccount(c.env, { userId, email, name, passkey, invite });
    } catch (err) {
      if (invite) await releaseInvite(c.env, invite, userId);
      throw err;
    }
    await startBrowserSignIn(c, userId, account.currentWorkspaceId);
    const db = dbOf(c.env);
    const user = (await findUser(db, userId))!;
    const workspace = (await findWorkspaceSummary(db, account.currentWorkspaceId, userId))!;
    await writeAudit(c.env, {
      action: "auth.signup",
      actorId: userId,
      workspaceId: account.personalWorkspaceId,
      targetType: "user",
      targetId: userId,
      details: {
        email,
        inviteId: invite?.kind === "invite" ? invite.id : null,
        bootstrapCode: invite?.kind === "bootstrap",
        joinedWorkspaceId: invite?.workspaceId ?? null,
      },
      ip: ipOf(c),
      requestId: c.get("requestId"),
    });
    return c.json({ user: contractView(userSchema, user), workspace, recoveryCodes: account.recoveryCodes }, 200);
  },
});

route.post("/api/auth/passkeys/login/start", [sameOriginOnly, rateLimit("auth.login")] as const, {
  summary: "Start passkey sign-in (discoverable; email optional)",
  request: jsonBody(loginStartBodySchema),
  responses: { 200: jsonResponse(ceremonyStartResponseSchema) },
  handler: async (c, { body: { email } }) => {
    // Every passkey is discoverable, so no caller gets an allowCredentials list: listing a known
    // email's credentials would tell a stranger that the account exists (and how many keys it
    // has). The email is not even looked up, so the answer does not differ in time either.
    const options = await authenticationOptions(c.env, []);
    return c.json(await ceremonyStart(c.env, options, { kind: "login", email: email ?? null }), 200);
  },
});

route.post("/api/auth/passkeys/login/finish", [sameOriginOnly, rateLimit("auth.login")] as const, {
  summary: "Finish passkey sign-in; sets the session cookies",
  request: jsonBody(loginFinishBodySchema),
  responses: { 200: jsonResponse(loginFinishResponseSchema) },
  handler: async (c, { body }) => {
    const challenge = await consumeChallenge(c.env, body.challengeId, "login");
    const db = dbOf(c.env);
    const passkey = await findPasskey(db, body.credential.id);
    const user = passkey ? await findUser(db, passkey.userId) : null;
    const fail = async (reason: string): Promise<never> => {
      await auditFailedSignIn(c, {
        targetType: "passkey",
        targetId: body.credential.id.slice(0, 64),
        targetUserId: user?.id ?? null,
        details: { reason },
      });
      throw new ApiError("unauthorized", `passkey sign-in rejected: ${reason}`);
    };
    if (!passkey || !user) return fail("unknown passkey");
    const handle = body.credential.response.userHandle;
    if (handle && handle !== base64url(new TextEncoder().encode(user.id))) return fail("passkey belongs to another user");
    let verified: { newCounter: number; backedUp: boolean };
    try {
      verified = await verifyAuthentication(c.env, body.credential, challenge.challenge, passkey);
    } catch (err) {
      return fail(err instanceof Error ? err.message.replace(/^passkey sign-in rejected: /, "") : "verification failed");
    }
    // Compare-and-set on the counter: two assertions racing with the same counter cannot both win.
    const updated = await advancePasskeyCounter(db, passkey.id, passkey.counter, {
      counter: verified.newCounter,
      backedUp: verified.backedUp,
      usedAt: now(),
    });
    if (!updated) return fail("signature counter changed concurrently");
    const signInId = await startBrowserSignIn(c, user.id, user.currentWorkspaceId);
    await writeAudit(c.env, {
      action: "auth.signin",
      actorId: user.id,
      workspaceId: user.currentWorkspaceId,
      targetType: "sign_in",
      targetId: signInId,
      details: { method: "passkey", passkeyId: passkey.id.slice(0, 64) },
      ip: ipOf(c),
      requestId: c.get("requestId"),
    });
    return c.json({ user: contractView(userSchema, user) }, 200);
  },
});

export default router;
