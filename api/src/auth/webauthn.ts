import { ApiError } from "@burstflare/sdk/errors";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { AppBindings } from "../env";
import { base64url, fromBase64url } from "../lib/crypto";
import { authConfig } from "./config";
import type { NewPasskey, StoredPasskey } from "./passkeys-repo";

/** ES256, EdDSA, RS256: what platform authenticators and security keys actually produce. */
const ALGORITHMS = [-7, -8, -257];
const TIMEOUT_MS = 5 * 60 * 1000;

export async function registrationOptions(
  env: AppBindings,
  user: { id: string; email: string; name: string | null },
  exclude: { id: string; transports: string[] | undefined }[] = [],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const cfg = authConfig(env);
  return generateRegistrationOptions({
    rpName: cfg.rpName,
    rpID: cfg.rpID,
    userName: user.email,
    userDisplayName: user.name ?? user.email,
    userID: new TextEncoder().encode(user.id) as Uint8Array<ArrayBuffer>,
    timeout: TIMEOUT_MS,
    attestationType: "none",
    excludeCredentials: exclude,
    supportedAlgorithmIDs: ALGORITHMS,
    // Discoverable credentials let sign-in start without typing an email.
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
}

/** Verifies a registration ceremony against the stored challenge, the app origin and the RP ID. */
export async function verifyRegistration(
  env: AppBindings,
  response: unknown,
  expectedChallenge: string,
  name: string,
): Promise<NewPasskey> {
  const cfg = authConfig(env);
  let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: cfg.origin,
      expectedRPID: cfg.rpID,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch (err) {
    throw new ApiError("bad_request", `passkey registration rejected: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!result.verified) throw new ApiError("bad_request", "passkey registration could not be verified");
  const info = result.registrationInfo;
  return {
    id: info.credential.id,
    publicKey: base64url(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports,
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name,
  };
}

export async function authenticationOptions(
  env: AppBindings,
  allow: { id: string; transports: string[] | undefined }[] = [],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: authConfig(env).rpID,
    timeout: TIMEOUT_MS,
    userVerification: "required",
    allowCredentials: allow,
  });
}

export const parseTransports = (raw: string | null): string[] | undefined => (raw ? (JSON.parse(raw) as string[]) : undefined);

/**
 * Verifies an assertion with the stored key. The library rejects a counter that did
 * not move forward (a cloned authenticator); the caller then stores the new counter.
 */
export async function verifyAuthentication(
  env: AppBindings,
  response: unknown,
  expectedChallenge: string,
  passkey: StoredPasskey,
): Promise<{ newCounter: number; backedUp: boolean }> {
  const cfg = authConfig(env);
  try {
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: cfg.origin,
      expectedRPID: cfg.rpID,
      requireUserVerification: true,
      credential: {
        id: passkey.id,
        publicKey: fromBase64url(passkey.publicKey) as Uint8Array<ArrayBuffer>,
        counter: passkey.counter,
        transports: parseTransports(passkey.transports),
      },
    });
    if (!result.verified) throw new Error("signature did not verify");
    return { newCounter: result.authenticationInfo.newCounter, backedUp: result.authenticationInfo.credentialBackedUp };
  } catch (err) {
    throw new ApiError("unauthorized", `passkey sign-in rejected: ${err instanceof Error ? err.message : String(err)}`);
  }
}
