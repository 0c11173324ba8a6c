import { z } from "zod";
import { ROLES } from "../states";
import { emailSchema, idSchema, nameSchema, trimmedText } from "./common";
import { inviteSchema, workspaceSchema } from "./workspaces";

/**
 * Accounts and sign-in contract: passkeys, recovery codes, browser and CLI
 * sessions, API tokens, SSH keys, device flow. WebAuthn payloads are the
 * standard JSON serialisation produced by @simplewebauthn/browser.
 */

const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, "must be base64url");
/** Credential ids are base64url; authenticators may use up to 1023 bytes. */
export const credentialIdSchema = z
  .string()
  .min(1)
  .max(1400)
  .regex(/^[A-Za-z0-9_-]+$/, "must be a base64url credential id");

export const SIGNUP_POLICIES = ["open", "invite-only", "closed"] as const;
export type SignupPolicy = (typeof SIGNUP_POLICIES)[number];

const turnstileToken = z.string().min(1).max(2048).optional();

// ---- entities -------------------------------------------------------------

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

/** The caller's view of a workspace they belong to. */
export const workspaceSummarySchema = workspaceSchema.pick({ id: true, name: true, personal: true, role: true });
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>;

/** When a credential (passkey, API token) was made and last used; null until its first use. */
const credentialUseFields = { createdAt: z.string(), lastUsedAt: z.string().nullable() };

export const passkeySchema = z.object({
  id: z.string(),
  name: z.string(),
  deviceType: z.string().nullable(),
  backedUp: z.boolean(),
  ...credentialUseFields,
});
export type Passkey = z.infer<typeof passkeySchema>;

export const signInSchema = z.object({
  id: z.string(),
  kind: z.enum(["browser", "cli"]),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  current: z.boolean(),
});
export type SignIn = z.infer<typeof signInSchema>;

/** `GET /api/auth/sign-ins`. */
export const signInListSchema = z.object({ signIns: z.array(signInSchema) });
/** The same list under its pre-rename key, as the deprecated `GET /api/auth/sessions` answers it. */
export const legacySignInListSchema = z.object({ sessions: z.array(signInSchema) });

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** First characters of the token, enough to recognise it in a list. */
  prefix: z.string(),
  workspaceId: z.string().nullable(),
  ...credentialUseFields,
  expiresAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const SSH_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"] as const;

export const sshKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  keyType: z.string(),
  /** OpenSSH style: `SHA256:` + unpadded base64 of the key blob's digest. */
  fingerprint: z.string(),
  publicKey: z.string(),
  managed: z.boolean(),
  createdAt: z.string(),
});
export type SSHKey = z.infer<typeof sshKeySchema>;

// ---- WebAuthn ceremonies --------------------------------------------------

/** PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON, passed through untouched. */
export const webauthnOptionsSchema = z.record(z.string(), z.unknown());

export const registrationCredentialSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url.min(1),
    attestationObject: base64url.min(1),
    transports: z.array(z.string().max(32)).max(10).optional(),
    authenticatorData: base64url.optional(),
    publicKey: base64url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

export const authenticationCredentialSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url.min(1),
    authenticatorData: base64url.min(1),
    signature: base64url.min(1),
    userHandle: base64url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

export const ceremonyStartResponseSchema = z.object({ challengeId: z.string(), options: webauthnOptionsSchema });
export type CeremonyStartResponse = z.infer<typeof ceremonyStartResponseSchema>;

export const registerStartBodySchema = z.object({
  email: emailSchema,
  name: nameSchema.optional(),
  inviteCode: trimmedText(128).optional(),
  turnstileToken,
});
export type RegisterStartBody = z.infer<typeof registerStartBodySchema>;

export const registerFinishBodySchema = z.object({ challengeId: idSchema, credential: registrationCredentialSchema });

export const registerFinishResponseSchema = z.object({
  user: userSchema,
  workspace: workspaceSummarySchema,
  /** Shown once; only hashes are stored. */
  recoveryCodes: z.array(z.string()),
});
export type RegisterFinishResponse = z.infer<typeof registerFinishResponseSchema>;

export const loginStartBodySchema = z.object({ email: emailSchema.optional() });
export const loginFinishBodySchema = z.object({ challengeId: idSchema, credential: authenticationCredentialSchema });
export const loginFinishResponseSchema = z.object({ user: userSchema });

export const recoverBodySchema = z.object({
  email: emailSchema,
  code: z.string().trim().min(4).max(64),
  turnstileToken,
});
export const recoverResponseSchema = z.object({ user: userSchema, remainingRecoveryCodes: z.number().int() });

export const addPasskeyFinishBodySchema = z.object({
  challengeId: idSchema,
  credential: registrationCredentialSchema,
  name: nameSchema.optional(),
});
export const renamePasskeyBodySchema = z.object({ name: nameSchema });

export const recoveryCodesResponseSchema = z.object({ recoveryCodes: z.array(z.string()) });
export const recoveryCodesStatusSchema = z.object({ remaining: z.number().int() });

// ---- session --------------------------------------------------------------

export const meResponseSchema = z.object({
  user: userSchema,
  workspace: workspaceSummarySchema,
  role: z.enum(ROLES),
  isOperator: z.boolean(),
  via: z.enum(["cookie", "bearer", "api_token"]),
  /** The sign-in (browser cookie or CLI token) behind the request; null for API tokens. */
  signInId: z.string().nullable(),
  /** Deprecated: the same value as `signInId`, kept for clients of the previous release; removed in 0.3.0. */
  authSessionId: z.string().nullable(),
  /** Cookie sessions: whether the CSRF cookie was present (it is re-issued when missing). */
  csrf: z.enum(["ok", "reissued", "not_applicable"]),
});
export type Me = z.infer<typeof meResponseSchema>;

export const authConfigSchema = z.object({
  signupPolicy: z.enum(SIGNUP_POLICIES),
  turnstileSiteKey: z.string().nullable(),
  rpId: z.string(),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

export const okSchema = z.object({ ok: z.literal(true) });

// ---- tokens and keys ------------------------------------------------------

export const createApiTokenBodySchema = z.object({
  name: nameSchema,
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export type CreateApiTokenBody = z.infer<typeof createApiTokenBodySchema>;
export const createApiTokenResponseSchema = z.object({ token: z.string(), apiToken: apiTokenSchema });

export const addSSHKeyBodySchema = z.object({
  publicKey: z.string().trim().min(16).max(16_384),
  name: nameSchema.optional(),
  /** Keys created by `flare ssh` for itself. */
  managed: z.boolean().optional(),
});
export type AddSSHKeyBody = z.infer<typeof addSSHKeyBodySchema>;

// ---- CLI device flow and refresh -----------------------------------------

export const deviceStartResponseSchema = z.object({
  deviceCode: z.string(),
  userCode: z.string(),
  verificationUri: z.string(),
  verificationUriComplete: z.string(),
  interval: z.number().int(),
  expiresIn: z.number().int(),
});
export type DeviceStartResponse = z.infer<typeof deviceStartResponseSchema>;

/** User codes are shown as XXXX-XXXX; input is normalised (case, dash, spaces). */
export const userCodeSchema = z
  .string()
  .trim()
  .max(32)
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ""))
  .pipe(z.string().regex(/^[A-Z0-9]{8}$/, "must look like XXXX-XXXX"));

export const deviceApproveBodySchema = z.object({ userCode: userCodeSchema, turnstileToken });
export const deviceDenyBodySchema = z.object({ userCode: userCodeSchema });
export const deviceInspectBodySchema = z.object({ userCode: userCodeSchema });
/** A pending CLI sign-in as the approval page shows it: when, from which client and address. */
export const deviceRequestViewSchema = z.object({ requestedAt: z.string(), userAgent: z.string().nullable(), ip: z.string().nullable() });
export type DeviceRequestView = z.infer<typeof deviceRequestViewSchema>;
export const deviceExchangeBodySchema = z.object({ deviceCode: z.string().min(16).max(128) });

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal("Bearer"),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

export const refreshBodySchema = z.object({ refreshToken: z.string().min(8).max(256) });

// ---- operator sign-up invites --------------------------------------------

export const createSignupInviteBodySchema = z.object({
  email: emailSchema.optional(),
  expiresInDays: z.number().int().min(1).max(90).optional(),
});
/** Sign-up invites are rows of the workspace invites' table without a workspace. */
export const signupInviteSchema = inviteSchema.pick({ id: true, email: true, createdAt: true, expiresAt: true, usedAt: true });
export const createSignupInviteResponseSchema = z.object({ code: z.string(), invite: signupInviteSchema });

// ---- operator proof -------------------------------------------------------

/** A bootstrap code (`bfb_…`, printed by `npm run dev` / the deploy script) or an operator's sign-up invite bound to my email. */
export const operatorBootstrapBodySchema = z.object({ code: z.string().trim().min(8).max(128) });
export const operatorBootstrapResponseSchema = z.object({ isOperator: z.boolean(), method: z.enum(["bootstrap", "operator_invite"]) });
