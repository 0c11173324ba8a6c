export const b64url: (bytes: Uint8Array) => string;

/** A software passkey (ES256, "none" attestation) for ceremonies without a browser. */
export class SoftwarePasskey {
  constructor(origin: string);
  create(options: Record<string, unknown>): Promise<Record<string, unknown>>;
  get(options: Record<string, unknown>): Promise<Record<string, unknown>>;
}
