/**
 * A software WebAuthn authenticator: real ES256 credentials made with WebCrypto, answering the
 * server's creation and request options with genuine attestation and assertion responses
 * (authenticatorData, flags, signature counter, DER signatures), so @simplewebauthn's verification
 * runs for real and sign-up needs no browser. One module for every caller: the workers tests
 * (api/test, in workerd), the stack tests and the smoke/operator scripts (Node 22) — so it uses
 * only WebCrypto and standard globals (btoa/atob, TextEncoder), no Buffer or node: imports.
 * Knobs produce the bad cases: wrong origin, wrong RP ID, counter regression, missing user
 * verification, packed self attestation.
 */

const enc = new TextEncoder();

/** @param {Uint8Array} bytes */
export function b64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** @param {string} text */
export function fromB64url(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
}

/** The parts end to end; they are a few hundred bytes at most, so plain arrays do. @param {...Uint8Array} parts */
const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** @param {Uint8Array} data */
const sha256 = async (data) => new Uint8Array(await crypto.subtle.digest("SHA-256", data));

// ---- minimal CBOR encoder: unsigned/negative ints, text, bytes, arrays and maps (what attestation objects and COSE keys use) ----

function head(major, n) {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

export function cbor(value) {
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
function rawToDER(raw) {
  const int = (bytes) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.slice(i);
    if ((v[0] ?? 0) & 0x80) v = concat(Uint8Array.of(0), v);
    return concat(Uint8Array.of(0x02, v.length), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(Uint8Array.of(0x30, body.length), body);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export class SoftwareAuthenticator {
  /** @param {{ origin?: string, attestation?: "none" | "packed", userVerified?: boolean }} [opts] */
  constructor(opts = {}) {
    this.credentials = [];
    this.origin = opts.origin ?? "http://localhost:8787";
    this.attestation = opts.attestation ?? "none";
    this.userVerified = opts.userVerified ?? true;
  }

  #flags(extra) {
    return FLAG_UP | (this.userVerified ? FLAG_UV : 0) | extra;
  }

  #clientData(type, challenge, origin) {
    return enc.encode(JSON.stringify({ type, challenge, origin: origin ?? this.origin, crossOrigin: false }));
  }

  async #sign(privateKey, authData, clientDataJSON) {
    const toSign = concat(authData, await sha256(clientDataJSON));
    return rawToDER(new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, toSign)));
  }

  /** navigator.credentials.create(): returns RegistrationResponseJSON. */
  async create(options, override = {}) {
    const rpId = override.rpId ?? options.rp?.id ?? new URL(this.origin).hostname;
    const keyPair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const id = crypto.getRandomValues(new Uint8Array(32));
    const rawPub = new Uint8Array(await crypto.subtle.exportKey("raw", keyPair.publicKey));
    const coseKey = cbor(
      new Map([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, rawPub.slice(1, 33)],
        [-3, rawPub.slice(33, 65)],
      ]),
    );
    const authData = concat(
      await sha256(enc.encode(rpId)),
      Uint8Array.of(this.#flags(FLAG_AT)),
      Uint8Array.of(0, 0, 0, 0),
      new Uint8Array(16), // AAGUID: zeros, as software/none attestation uses
      Uint8Array.of(id.length >> 8, id.length & 0xff),
      id,
      coseKey,
    );
    const clientDataJSON = this.#clientData("webauthn.create", options.challenge, override.origin);
    const attStmt = this.attestation === "packed" ? { alg: -7, sig: await this.#sign(keyPair.privateKey, authData, clientDataJSON) } : {};
    const attestationObject = cbor({ fmt: this.attestation, attStmt, authData });
    this.credentials.push({ id, keyPair, rpId, userHandle: fromB64url(options.user.id), counter: 0 });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(): returns AuthenticationResponseJSON; the counter moves forward by one. */
  async get(options, override = {}) {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const cred =
      override.credential ??
      this.credentials.find(
        (c) => (options.rpId ? c.rpId === options.rpId : true) && (allowed.length === 0 || allowed.includes(b64url(c.id))),
      );
    if (!cred) throw new Error("no matching credential on this authenticator");
    cred.counter = override.counter ?? cred.counter + 1;
    const counter = cred.counter;
    const authData = concat(
      await sha256(enc.encode(cred.rpId)),
      Uint8Array.of(this.#flags(0)),
      Uint8Array.of((counter >>> 24) & 0xff, (counter >> 16) & 0xff, (counter >> 8) & 0xff, counter & 0xff),
    );
    const clientDataJSON = this.#clientData("webauthn.get", options.challenge, override.origin);
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(await this.#sign(cred.keyPair.privateKey, authData, clientDataJSON)),
        userHandle: b64url(cred.userHandle),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }
}
