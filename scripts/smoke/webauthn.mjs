/**
 * A software passkey for the smoke test: real ES256 credentials made with WebCrypto, answering
 * the server's creation and request options with "none" attestation and genuine assertions, so
 * sign-up against any deployment needs no browser. Same idea as api/test/helpers/webauthn.ts.
 */
import { webcrypto } from "node:crypto";

const subtle = webcrypto.subtle;
const enc = new TextEncoder();

export const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const fromB64url = (text) => new Uint8Array(Buffer.from(text, "base64url"));

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const sha256 = async (data) => new Uint8Array(await subtle.digest("SHA-256", data));

/** CBOR: unsigned/negative ints, text, bytes, arrays and maps — what attestation objects and COSE keys use. */
function head(major, n) {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

function cbor(value) {
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

/** WebCrypto signs ECDSA as r||s; WebAuthn wants DER. */
function rawToDER(raw) {
  const int = (bytes) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.slice(i);
    if (v[0] & 0x80) v = concat(Uint8Array.of(0), v);
    return concat(Uint8Array.of(0x02, v.length), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(Uint8Array.of(0x30, body.length), body);
}

const FLAGS_UP_UV = 0x01 | 0x04;
const FLAG_AT = 0x40;

export class SoftwarePasskey {
  /** @param {string} origin the app's origin, written into clientDataJSON */
  constructor(origin) {
    this.origin = origin;
    this.credential = null;
  }

  clientData(type, challenge) {
    return enc.encode(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() → RegistrationResponseJSON */
  async create(options) {
    const rpId = options.rp?.id ?? new URL(this.origin).hostname;
    const keyPair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const id = webcrypto.getRandomValues(new Uint8Array(32));
    const rawPub = new Uint8Array(await subtle.exportKey("raw", keyPair.publicKey));
    const coseKey = cbor(
      new Map([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, rawPub.slice(1, 33)],
        [-3, rawPub.slice(33, 65)],
      ]),
    );
    const authData = concat(
      await sha256(enc.encode(rpId)),
      Uint8Array.of(FLAGS_UP_UV | FLAG_AT),
      Uint8Array.of(0, 0, 0, 0),
      new Uint8Array(16),
      Uint8Array.of(id.length >> 8, id.length & 0xff),
      id,
      coseKey,
    );
    this.credential = { id, keyPair, rpId, userHandle: fromB64url(options.user.id), counter: 0 };
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(this.clientData("webauthn.create", options.challenge)),
        attestationObject: b64url(cbor({ fmt: "none", attStmt: {}, authData })),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get() → AuthenticationResponseJSON */
  async get(options) {
    const cred = this.credential;
    if (!cred) throw new Error("no passkey on this software authenticator");
    cred.counter += 1;
    const c = cred.counter;
    const authData = concat(
      await sha256(enc.encode(cred.rpId)),
      Uint8Array.of(FLAGS_UP_UV),
      Uint8Array.of((c >>> 24) & 0xff, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff),
    );
    const clientDataJSON = this.clientData("webauthn.get", options.challenge);
    const sig = new Uint8Array(
      await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, cred.keyPair.privateKey, concat(authData, await sha256(clientDataJSON))),
    );
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(rawToDER(sig)),
        userHandle: b64url(cred.userHandle),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }
}
