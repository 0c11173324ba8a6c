/**
 * A software WebAuthn authenticator for workers tests. It makes real ES256
 * credentials with WebCrypto and answers creation/request options with genuine
 * attestation and assertion responses (authenticatorData, flags, signature
 * counter, DER signatures), so the server's @simplewebauthn verification runs
 * for real. Knobs exist to produce the bad cases: wrong origin, wrong RP ID,
 * counter regression, missing user verification.
 */

const enc = new TextEncoder();

export function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromB64url(text: string): Uint8Array {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const bin = atob(padded);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const sha256 = async (data: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));

// ---- minimal CBOR encoder (the subset attestation objects and COSE keys use) ----

type CBOR = number | string | Uint8Array | CBOR[] | Map<CBOR, CBOR> | { [k: string]: CBOR };

function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

export function cbor(value: CBOR): Uint8Array {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const bytes = enc.encode(value);
    return concat(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(2, value.length), value);
  if (Array.isArray(value)) return concat(head(4, value.length), ...value.map(cbor));
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return concat(head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)]));
}

/** WebCrypto signs ECDSA as r||s; WebAuthn wants an ASN.1 DER SEQUENCE of two INTEGERs. */
function rawToDER(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v: Uint8Array = bytes.slice(i);
    if ((v[0] ?? 0) & 0x80) v = concat(Uint8Array.of(0), v);
    return concat(Uint8Array.of(0x02, v.length), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(Uint8Array.of(0x30, body.length), body);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface CredentialRecord {
  id: Uint8Array;
  keyPair: CryptoKeyPair;
  rpId: string;
  userHandle: Uint8Array;
  counter: number;
}

export interface AuthenticatorOptions {
  /** Origin written into clientDataJSON; defaults to the app origin the Worker expects. */
  origin?: string;
  /** Attestation format for registrations: "none" or "packed" self attestation. */
  attestation?: "none" | "packed";
  /** Set false to simulate an authenticator that skipped user verification. */
  userVerified?: boolean;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string };
  excludeCredentials?: { id: string }[];
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

export class SoftwareAuthenticator {
  readonly credentials: CredentialRecord[] = [];
  origin: string;
  attestation: "none" | "packed";
  userVerified: boolean;

  constructor(opts: AuthenticatorOptions = {}) {
    this.origin = opts.origin ?? "http://localhost:8787";
    this.attestation = opts.attestation ?? "none";
    this.userVerified = opts.userVerified ?? true;
  }

  private flags(extra: number): number {
    return FLAG_UP | (this.userVerified ? FLAG_UV : 0) | extra;
  }

  private clientData(type: string, challenge: string, origin?: string): Uint8Array {
    return enc.encode(JSON.stringify({ type, challenge, origin: origin ?? this.origin, crossOrigin: false }));
  }

  /** navigator.credentials.create(): returns RegistrationResponseJSON. */
  async create(options: Record<string, unknown>, override: { origin?: string; rpId?: string } = {}) {
    const o = options as unknown as CreationOptions;
    const rpId = override.rpId ?? o.rp.id ?? new URL(this.origin).hostname;
    const keyPair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const id = crypto.getRandomValues(new Uint8Array(32));
    const record: CredentialRecord = { id, keyPair, rpId, userHandle: fromB64url(o.user.id), counter: 0 };
    const rawPub = new Uint8Array((await crypto.subtle.exportKey("raw", keyPair.publicKey)) as ArrayBuffer);
    const coseKey = cbor(
      new Map<CBOR, CBOR>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, rawPub.slice(1, 33)],
        [-3, rawPub.slice(33, 65)],
      ]),
    );
    const authData = concat(
      await sha256(enc.encode(rpId)),
      Uint8Array.of(this.flags(FLAG_AT)),
      Uint8Array.of(0, 0, 0, 0),
      new Uint8Array(16), // AAGUID: zeros, as software/none attestation uses
      Uint8Array.of(id.length >> 8, id.length & 0xff),
      id,
      coseKey,
    );
    const clientDataJSON = this.clientData("webauthn.create", o.challenge, override.origin);
    let attStmt: CBOR = {};
    if (this.attestation === "packed") {
      const toSign = concat(authData, await sha256(clientDataJSON));
      const sig = new Uint8Array(
        await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keyPair.privateKey, toSign as Uint8Array<ArrayBuffer>),
      );
      attStmt = { alg: -7, sig: rawToDER(sig) };
    }
    const attestationObject = cbor({ fmt: this.attestation, attStmt, authData });
    this.credentials.push(record);
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(): returns AuthenticationResponseJSON; the counter moves forward by one. */
  async get(options: Record<string, unknown>, override: { origin?: string; counter?: number; credential?: CredentialRecord } = {}) {
    const o = options as unknown as RequestOptions;
    const allowed = o.allowCredentials?.map((c) => c.id) ?? [];
    const cred =
      override.credential ??
      this.credentials.find((c) => (o.rpId ? c.rpId === o.rpId : true) && (allowed.length === 0 || allowed.includes(b64url(c.id))));
    if (!cred) throw new Error("no matching credential on this authenticator");
    cred.counter = override.counter ?? cred.counter + 1;
    const counter = cred.counter;
    const authData = concat(
      await sha256(enc.encode(cred.rpId)),
      Uint8Array.of(this.flags(0)),
      Uint8Array.of((counter >>> 24) & 0xff, (counter >> 16) & 0xff, (counter >> 8) & 0xff, counter & 0xff),
    );
    const clientDataJSON = this.clientData("webauthn.get", o.challenge, override.origin);
    const toSign = concat(authData, await sha256(clientDataJSON));
    const sig = new Uint8Array(
      await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, cred.keyPair.privateKey, toSign as Uint8Array<ArrayBuffer>),
    );
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(rawToDER(sig)),
        userHandle: b64url(cred.userHandle),
      },
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  }
}
