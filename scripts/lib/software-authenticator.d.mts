export function b64url(bytes: Uint8Array): string;
export function fromB64url(text: string): Uint8Array;

export type CBOR = number | string | Uint8Array | CBOR[] | Map<CBOR, CBOR> | { [k: string]: CBOR };
export function cbor(value: CBOR): Uint8Array;

export interface CredentialRecord {
  id: Uint8Array;
  keyPair: CryptoKeyPair;
  rpId: string;
  userHandle: Uint8Array;
  counter: number;
}

export interface AuthenticatorOptions {
  /** Origin written into clientDataJSON; defaults to the app origin the local Worker expects. */
  origin?: string;
  /** Attestation format for registrations: "none" or "packed" self attestation. */
  attestation?: "none" | "packed";
  /** Set false to simulate an authenticator that skipped user verification. */
  userVerified?: boolean;
}

export interface RegistrationResponse {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  authenticatorAttachment: "platform";
  clientExtensionResults: Record<string, never>;
}

export interface AuthenticationResponse {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle: string };
  authenticatorAttachment: "platform";
  clientExtensionResults: Record<string, never>;
}

/** A software WebAuthn authenticator (ES256) for ceremonies without a browser, in workerd and in Node. */
export class SoftwareAuthenticator {
  readonly credentials: CredentialRecord[];
  origin: string;
  attestation: "none" | "packed";
  userVerified: boolean;
  constructor(opts?: AuthenticatorOptions);
  /** navigator.credentials.create(); `override` writes a wrong origin or RP ID for the bad cases. */
  create(options: Record<string, unknown>, override?: { origin?: string; rpId?: string }): Promise<RegistrationResponse>;
  /** navigator.credentials.get(); `override` sets the counter (regression), origin, or which credential answers. */
  get(
    options: Record<string, unknown>,
    override?: { origin?: string; counter?: number; credential?: CredentialRecord },
  ): Promise<AuthenticationResponse>;
}
