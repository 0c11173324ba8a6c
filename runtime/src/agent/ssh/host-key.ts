import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { utils as SSH2Utils } from "ssh2";

/**
 * The runtime's SSH host key, stable so clients' known_hosts stay valid. With a seed (the
 * containers driver: a container's disk does not outlive it, so the control plane keeps the seed
 * and hands it over at every start) the key is derived from it; otherwise it is made once and
 * kept in the agent's data dir (outside the workspace).
 */
export function loadHostKey(dataDir: string, utils: typeof SSH2Utils, seed?: Buffer | null): Buffer {
  if (seed) return ed25519FromSeed(seed);
  const file = path.join(dataDir, "ssh_host_ed25519_key");
  const kept = readIfPresent(file);
  // Earlier agents made the key with ssh2's generator, which writes about one key in 256 that ssh2
  // itself cannot load (a public key starting with a zero byte loses it); SSH to such a runtime
  // failed on every connection, so an unreadable kept key is replaced.
  if (kept && !(utils.parseKey(kept) instanceof Error)) return kept;
  const key = newEd25519Key("burstflare-runtime");
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(`${file}.tmp`, key.private, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
  fs.writeFileSync(`${file}.pub`, `${key.public}\n`);
  return key.private;
}

function readIfPresent(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return null;
  }
}

/** A new ed25519 key pair: the OpenSSH private key and the `ssh-ed25519 … comment` public line. */
export function newEd25519Key(comment: string): { private: Buffer; public: string } {
  return ed25519KeyFromSeed(crypto.randomBytes(32), comment);
}

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const sshString = (data: Buffer | string): Buffer => {
  const body = typeof data === "string" ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};

/** An OpenSSH-format ed25519 private key (the format ssh2 reads) for a 32-byte seed. */
export function ed25519FromSeed(seed: Buffer): Buffer {
  return ed25519KeyFromSeed(seed, "burstflare-runtime").private;
}

function ed25519KeyFromSeed(seed: Buffer, comment: string): { private: Buffer; public: string } {
  if (seed.length !== 32) throw new Error("the SSH host key seed must be 32 bytes");
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const pub = crypto.createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32);
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = crypto.createHash("sha256").update(seed).digest().subarray(0, 4);
  let secret = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    Buffer.from([0, 0, 0, 1]),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const b64 = body.toString("base64").replace(/.{1,70}/g, "$&\n");
  return {
    private: Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`),
    public: `ssh-ed25519 ${publicBlob.toString("base64")} ${comment}`,
  };
}
