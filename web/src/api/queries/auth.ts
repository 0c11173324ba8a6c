import { browserSupportsWebAuthnAutofill, startAuthentication, startRegistration, WebAuthnAbortService } from "@simplewebauthn/browser";
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import type {
  ApiToken,
  AuthConfig,
  CeremonyStartResponse,
  CreateApiTokenBody,
  Me,
  Passkey,
  RegisterFinishResponse,
  RegisterStartBody,
  SignIn,
  SSHKey,
  User,
} from "../../../../sdk/schemas/auth";
import { api } from "../client";

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
  queryOptions({ queryKey: authKeys.me, queryFn: () => api.get<Me>("/api/auth/me"), retry: false, staleTime: 60_000 });
export const authConfigQuery = () =>
  queryOptions({ queryKey: authKeys.config, queryFn: () => api.get<AuthConfig>("/api/auth/config"), staleTime: 5 * 60_000 });
export const passkeysQuery = () =>
  queryOptions({
    queryKey: authKeys.passkeys,
    queryFn: async () => (await api.get<{ passkeys: Passkey[] }>("/api/auth/passkeys")).passkeys,
  });
export const signInsQuery = () =>
  queryOptions({
    queryKey: authKeys.signIns,
    queryFn: async () => (await api.get<{ signIns: SignIn[] }>("/api/auth/sign-ins")).signIns,
  });
export const apiTokensQuery = () =>
  queryOptions({ queryKey: authKeys.tokens, queryFn: async () => (await api.get<{ tokens: ApiToken[] }>("/api/auth/tokens")).tokens });
export const sshKeysQuery = () =>
  queryOptions({ queryKey: authKeys.sshKeys, queryFn: async () => (await api.get<{ keys: SSHKey[] }>("/api/auth/ssh-keys")).keys });
export const recoveryStatusQuery = () =>
  queryOptions({ queryKey: authKeys.recovery, queryFn: () => api.get<{ remaining: number }>("/api/auth/recovery-codes") });

type Options = Parameters<typeof startRegistration>[0]["optionsJSON"];
type RequestOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

export async function signUp(body: RegisterStartBody): Promise<RegisterFinishResponse> {
  const start = await api.post<CeremonyStartResponse>("/api/auth/passkeys/register/start", body);
  const credential = await startRegistration({ optionsJSON: start.options as unknown as Options });
  return api.post<RegisterFinishResponse>("/api/auth/passkeys/register/finish", { challengeId: start.challengeId, credential });
}

/** Modal passkey sign-in (button). `email` only narrows which passkeys the browser offers. */
export async function signInWithPasskey(email?: string): Promise<User> {
  const start = await api.post<CeremonyStartResponse>("/api/auth/passkeys/login/start", email ? { email } : {});
  const credential = await startAuthentication({ optionsJSON: start.options as unknown as RequestOptions });
  return (await api.post<{ user: User }>("/api/auth/passkeys/login/finish", { challengeId: start.challengeId, credential })).user;
}

/**
 * Conditional UI: offers passkeys in the email field's autofill. Resolves when the
 * person picks one; null when the browser has no autofill support. A modal
 * ceremony started later aborts this one (the library's abort service).
 */
export async function signInWithAutofill(): Promise<User | null> {
  if (!(await browserSupportsWebAuthnAutofill())) return null;
  const start = await api.post<CeremonyStartResponse>("/api/auth/passkeys/login/start", {});
  const credential = await startAuthentication({ optionsJSON: start.options as unknown as RequestOptions, useBrowserAutofill: true });
  return (await api.post<{ user: User }>("/api/auth/passkeys/login/finish", { challengeId: start.challengeId, credential })).user;
}

export const cancelCeremonies = () => WebAuthnAbortService.cancelCeremony();

export const recover = (body: { email: string; code: string; turnstileToken?: string }) =>
  api.post<{ user: User; remainingRecoveryCodes: number }>("/api/auth/recover", body);

export async function addPasskey(name?: string): Promise<Passkey> {
  const start = await api.post<CeremonyStartResponse>("/api/auth/passkeys/add/start");
  const credential = await startRegistration({ optionsJSON: start.options as unknown as Options });
  return (await api.post<{ passkey: Passkey }>("/api/auth/passkeys/add/finish", { challengeId: start.challengeId, credential, name }))
    .passkey;
}

export const renamePasskey = (id: string, name: string) =>
  api.patch<{ passkey: Passkey }>(`/api/auth/passkeys/${encodeURIComponent(id)}`, { name });
export const deletePasskey = (id: string) => api.delete(`/api/auth/passkeys/${encodeURIComponent(id)}`);
export const regenerateRecoveryCodes = async () => (await api.post<{ recoveryCodes: string[] }>("/api/auth/recovery-codes")).recoveryCodes;
export const revokeSignIn = (id: string) => api.delete(`/api/auth/sign-ins/${encodeURIComponent(id)}`);
export const logout = () => api.post("/api/auth/logout");
export const logoutAll = () => api.post<{ revoked: number }>("/api/auth/logout-all");
export const createApiToken = (body: CreateApiTokenBody) => api.post<{ token: string; apiToken: ApiToken }>("/api/auth/tokens", body);
export const revokeApiToken = (id: string) => api.delete(`/api/auth/tokens/${encodeURIComponent(id)}`);
export const addSSHKey = (body: { publicKey: string; name?: string }) => api.post<{ key: SSHKey }>("/api/auth/ssh-keys", body);
export const deleteSSHKey = (id: string) => api.delete(`/api/auth/ssh-keys/${encodeURIComponent(id)}`);
export const approveDevice = (userCode: string, turnstileToken?: string) =>
  api.post("/api/cli/device/approve", { userCode, turnstileToken });
export const denyDevice = (userCode: string) => api.post("/api/cli/device/deny", { userCode });

/** After sign-in, sign-out or recovery every cached answer may belong to someone else. */
export async function resetSession(client: QueryClient): Promise<void> {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== "auth" || q.queryKey[1] !== "config" });
  await client.invalidateQueries({ queryKey: authKeys.me });
}
