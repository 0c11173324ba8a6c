import { ApiError } from "@burstflare/sdk/errors";

interface ParsedSSHKey {
  keyType: string;
  /** `type base64`, comment stripped: the form the SSH server compares against. */
  publicKey: string;
  comment: string | null;
  fingerprint: string;
}

const ECDSA_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const MIN_RSA_BITS = 2048;

class Reader {
  private o = 0;
  constructor(private readonly b: Uint8Array) {}
  string(): Uint8Array {
    if (this.o + 4 > this.b.length) throw new Error("truncated key blob");
    const n = ((this.b[this.o]! << 24) | (this.b[this.o + 1]! << 16) | (this.b[this.o + 2]! << 8) | this.b[this.o + 3]!) >>> 0;
    this.o += 4;
    if (n > this.b.length - this.o) throw new Error("truncated key blob");
    const out = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return out;
  }
  text(): string {
    return new TextDecoder().decode(this.string());
  }
  done(): boolean {
    return this.o === this.b.length;
  }
}

function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error("key data is not base64");
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** Bit length of an SSH mpint (big-endian two's complement, leading zero for positive numbers). */
function mpintBits(m: Uint8Array): number {
  let i = 0;
  while (i < m.length && m[i] === 0) i++;
  if (i === m.length) return 0;
  return (m.length - i - 1) * 8 + (32 - Math.clz32(m[i]!));
}

function checkBlob(declared: string, blob: Uint8Array): void {
  const r = new Reader(blob);
  const embedded = r.text();
  if (embedded !== declared) throw new Error(`key type ${declared} does not match the encoded ${embedded.slice(0, 40)}`);
  if (declared === "ssh-ed25519") {
    if (r.string().length !== 32) throw new Error("ed25519 key must be 32 bytes");
  } else if (declared.startsWith("ecdsa-sha2-")) {
    const curve = declared.slice("ecdsa-sha2-".length);
    if (r.text() !== curve) throw new Error("ecdsa curve does not match the key type");
    const q = r.string();
    if (q.length !== ECDSA_POINT_BYTES[curve] || q[0] !== 4) throw new Error("ecdsa point is malformed");
  } else if (declared === "ssh-rsa") {
    const e = r.string();
    const n = r.string();
    if (mpintBits(e) < 2 || mpintBits(e) > 64) throw new Error("rsa exponent is malformed");
    const bits = mpintBits(n);
    if (bits < MIN_RSA_BITS) throw new Error(`rsa keys must be at least ${MIN_RSA_BITS} bits (this one is ${bits})`);
    if (bits > 16384) throw new Error("rsa key is too large");
  }
  if (!r.done()) throw new Error("trailing bytes after the key");
}

/**
 * Validates an OpenSSH public key line (`type base64 [comment]`) by decoding the
 * blob and checking the embedded type and key material, and computes the
 * fingerprint exactly as `ssh-keygen -lf` prints it.
 */
export async function parseOpenSSHPublicKey(line: string): Promise<ParsedSSHKey> {
  const parts = line.trim().split(/\s+/);
  const [keyType = "", data = "", ...rest] = parts;
  const allowed = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];
  if (!allowed.includes(keyType)) {
    throw new ApiError("validation_failed", `unsupported key type; use one of ${allowed.join(", ")} in OpenSSH format`);
  }
  let blob: Uint8Array;
  try {
    blob = decodeBase64(data);
    checkBlob(keyType, blob);
  } catch (err) {
    throw new ApiError("validation_failed", `not a valid OpenSSH public key: ${err instanceof Error ? err.message : String(err)}`);
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", blob as Uint8Array<ArrayBuffer>));
  const fingerprint = "SHA256:" + btoa(String.fromCharCode(...digest)).replace(/=+$/, "");
  const comment = rest.join(" ").slice(0, 200) || null;
  return { keyType, publicKey: `${keyType} ${data}`, comment, fingerprint };
}
