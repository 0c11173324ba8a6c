import type {
  ApiToken,
  CreateApiTokenBody,
  Passkey,
  RegisterFinishResponse,
  RegisterStartBody,
  SignIn,
  SSHKey,
  User,
} from "@burstflare/sdk/schemas/auth";
import {
  authConfigSchema,
  ceremonyStartResponseSchema,
  deviceRequestViewSchema,
  meResponseSchema,
  registerFinishResponseSchema,
} from "@burstflare/sdk/schemas/auth";
import { browserSupportsWebAuthnAutofill, startAuthentication, startRegistration, WebAuthnAbortService } from "@simplewebauthn/browser";
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { client, returns } from "../client";
import { listQuery } from "./list";

/**
 * Accounts and sign-in. Passkey ceremonies live here too: they are two API calls
 * with the browser's WebAuthn prompt in between, and components only see one
 * async function per user action.
 */

export const authKeys = {
  me: ["auth", "me"] as const,
  config: ["auth", "config"] as const,
  passkeys: ["auth", "passkeys"] as const,
  signIns: ["auth", "sign-ins"] as const,
  tokens: ["auth", "tokens"] as const,
  sshKeys: ["auth", "ssh-keys"] as const,
  recovery: ["auth", "recovery-codes"] as const,
};

/** The signed-in caller. A 401 is an answer (signed out), not something to retry. */
export const meQuery = () =>
  queryOptions({
    queryKey: authKeys.me,
    queryFn: () => client.call("GET /api/auth/me", { schema: meResponseSchema }),
    retry: false,
    staleTime: 60_000,
  });
export const authConfigQuery = () =>
  queryOptions({
    queryKey: authKeys.config,
    queryFn: () => client.call("GET /api/auth/config", { schema: authConfigSchema }),
    staleTime: 5 * 60_000,
  });
export const recoveryStatusQuery = () =>
  queryOptions({
    queryKey: authKeys.recovery,
    queryFn: () => client.call("GET /api/auth/recovery-codes", { returns: returns<{ remaining: number }>() }),
  });
export const passkeysQuery = () => listQuery<Passkey>(authKeys.passkeys, "GET /api/auth/passkeys", "passkeys");
export const signInsQuery = () => listQuery<SignIn>(authKeys.signIns, "GET /api/auth/sign-ins", "signIns");
export const apiTokensQuery = () => listQuery<ApiToken>(authKeys.tokens, "GET /api/auth/tokens", "tokens");
export const sshKeysQuery = () => listQuery<SSHKey>(authKeys.sshKeys, "GET /api/auth/ssh-keys", "keys");

type Options = Parameters<typeof startRegistration>[0]["optionsJSON"];
type RequestOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

export async function signUp(body: RegisterStartBody): Promise<RegisterFinishResponse> {
  const start = await client.call("POST /api/auth/passkeys/register/start", { body, schema: ceremonyStartResponseSchema });
  const credential = await startRegistration({ optionsJSON: start.options as unknown as Options });
  return client.call("POST /api/auth/passkeys/register/finish", {
    body: { challengeId: start.challengeId, credential },
    schema: registerFinishResponseSchema,
  });
}

/** Modal passkey sign-in (button). `email` only narrows which passkeys the browser offers. */
export async function signInWithPasskey(email?: string): Promise<User> {
  const start = await client.call("POST /api/auth/passkeys/login/start", {
    body: email ? { email } : {},
    schema: ceremonyStartResponseSchema,
  });
  const credential = await startAuthentication({ optionsJSON: start.options as unknown as RequestOptions });
  return (
    await client.call("POST /api/auth/passkeys/login/finish", {
      body: { challengeId: start.challengeId, credential },
      returns: returns<{ user: User }>(),
    })
  ).user;
}

/**
 * Conditional UI: offers passkeys in the email field's autofill. Resolves when the
 * person picks one; null when the browser has no autofill support. A modal
 * ceremony started later aborts this one (the library's abort service).
 */
export async function signInWithAutofill(): Promise<User | null> {
  if (!(await browserSupportsWebAuthnAutofill())) return null;
  const start = await client.call("POST /api/auth/passkeys/login/start", { body: {}, schema: ceremonyStartResponseSchema });
  const credential = await startAuthentication({ optionsJSON: start.options as unknown as RequestOptions, useBrowserAutofill: true });
  return (
    await client.call("POST /api/auth/passkeys/login/finish", {
      body: { challengeId: start.challengeId, credential },
      returns: returns<{ user: User }>(),
    })
  ).user;
}

export const cancelCeremonies = () => WebAuthnAbortService.cancelCeremony();

export const recover = (body: { email: string; code: string; turnstileToken?: string }) =>
  client.call("POST /api/auth/recover", { body, returns: returns<{ user: User; remainingRecoveryCodes: number }>() });

export async function addPasskey(name?: string): Promise<Passkey> {
  const start = await client.call("POST /api/auth/passkeys/add/start", { body: {}, schema: ceremonyStartResponseSchema });
  const credential = await startRegistration({ optionsJSON: start.options as unknown as Options });
  return (
    await client.call("POST /api/auth/passkeys/add/finish", {
      body: { challengeId: start.challengeId, credential, name },
      returns: returns<{ passkey: Passkey }>(),
    })
  ).passkey;
}

export const renamePasskey = (id: string, name: string) =>
  client.call("PATCH /api/auth/passkeys/{passkeyId}", {
    params: { passkeyId: id },
    body: { name },
    returns: returns<{ passkey: Passkey }>(),
  });
export const deletePasskey = (id: string) => client.call("DELETE /api/auth/passkeys/{passkeyId}", { params: { passkeyId: id } });
export const regenerateRecoveryCodes = async () =>
  (await client.call("POST /api/auth/recovery-codes", { body: {}, returns: returns<{ recoveryCodes: string[] }>() })).recoveryCodes;
export const revokeSignIn = (signInId: string) => client.call("DELETE /api/auth/sign-ins/{signInId}", { params: { signInId } });
export const logout = () => client.call("POST /api/auth/logout", { body: {} });
export const logoutAll = () => client.call("POST /api/auth/logout-all", { body: {}, returns: returns<{ revoked: number }>() });
export const createApiToken = (body: CreateApiTokenBody) =>
  client.call("POST /api/auth/tokens", { body, returns: returns<{ token: string; apiToken: ApiToken }>() });
export const revokeApiToken = (id: string) => client.call("DELETE /api/auth/tokens/{tokenId}", { params: { tokenId: id } });
export const addSSHKey = (body: { publicKey: string; name?: string }) =>
  client.call("POST /api/auth/ssh-keys", { body, returns: returns<{ key: SSHKey }>() });
export const deleteSSHKey = (id: string) => client.call("DELETE /api/auth/ssh-keys/{keyId}", { params: { keyId: id } });
export const approveDevice = (userCode: string, turnstileToken?: string) =>
  client.call("POST /api/cli/device/approve", { body: { userCode, turnstileToken } });
export const denyDevice = (userCode: string) => client.call("POST /api/cli/device/deny", { body: { userCode } });
/** When and from where a CLI sign-in was asked for; only a complete code is looked up, once. */
export const deviceRequestQuery = (userCode: string) =>
  queryOptions({
    queryKey: ["device-request", userCode] as const,
    queryFn: () => client.call("POST /api/cli/device/inspect", { body: { userCode }, schema: deviceRequestViewSchema }),
    enabled: userCode.length === 8,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });

/** After sign-in, sign-out or recovery every cached answer may belong to someone else. */
export async function resetSession(client: QueryClient): Promise<void> {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== "auth" || q.queryKey[1] !== "config" });
  await client.invalidateQueries({ queryKey: authKeys.me });
}
