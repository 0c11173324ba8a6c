import { createHash, createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { utils } from "ssh2";
import { afterEach, describe, expect, it } from "vitest";
import { ed25519FromSeed, loadHostKey, newEd25519Key } from "../../src/agent/ssh/host-key";

const publicOf = (key: Buffer) => {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw parsed;
  return parsed.getPublicSSH().toString("base64");
};

/** A seed whose ed25519 public key starts with a zero byte (about one seed in 256). */
function seedWithZeroLeadingPublicKey(): Buffer {
  for (let i = 0; ; i++) {
    const seed = createHash("sha256").update(`seed ${i}`).digest();
    const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
    const pub = createPublicKey(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }))
      .export({ format: "der", type: "spki" })
      .subarray(-32);
    if (pub[0] === 0) return seed;
  }
}

// What ssh2's own generator wrote for such a key: the public key's zero byte is lost (31 bytes),
// and ssh2 cannot load the file it wrote.
const SSH2_MALFORMED_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMgAAAAtz
c2gtZWQyNTUxOQAAAB/G+wisUsOGFyT+3Is8zfxLxjF6ylHw23NrLIrEuLMSAAAA
mL0exDu9HsQ7AAAAC3NzaC1lZDI1NTE5AAAAH8b7CKxSw4YXJP7cizzN/EvGMXrK
UfDbc2ssisS4sxIAAAA/ySk07JhgwGvNo/Eqmp/cPUQnlDT1WWUxehOoE8eZcHHG
+wisUsOGFyT+3Is8zfxLxjF6ylHw23NrLIrEuLMSAAAAEmJ1cnN0ZmxhcmUtcnVu
dGltZQECAwQF
-----END OPENSSH PRIVATE KEY-----
`;

describe("SSH host key from a seed", () => {
  it("is an OpenSSH ed25519 key that ssh2 loads and signs with, the same for the same seed", () => {
    const seed = randomBytes(32);
    const key = utils.parseKey(ed25519FromSeed(seed));
    if (key instanceof Error) throw key;
    expect(key.type).toBe("ssh-ed25519");
    const signature = key.sign(Buffer.from("payload"));
    expect(key.verify(Buffer.from("payload"), signature)).toBe(true);
    expect(publicOf(ed25519FromSeed(Buffer.from(seed)))).toBe(publicOf(ed25519FromSeed(seed)));
    expect(publicOf(ed25519FromSeed(randomBytes(32)))).not.toBe(publicOf(ed25519FromSeed(seed)));
  });

  it("loads for a seed whose public key starts with a zero byte", () => {
    const key = utils.parseKey(ed25519FromSeed(seedWithZeroLeadingPublicKey()));
    if (key instanceof Error) throw key;
    expect(key.verify(Buffer.from("x"), key.sign(Buffer.from("x")))).toBe(true);
  });

  it("refuses a seed of the wrong length", () => {
    expect(() => ed25519FromSeed(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe("SSH host key kept in the agent's data dir", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is made once, loads in ssh2, and its .pub line is the same public key", () => {
    dir = mkdtempSync(path.join(tmpdir(), "host-key-"));
    const key = loadHostKey(dir, utils);
    expect(loadHostKey(dir, utils)).toEqual(key);
    const [type, blob, comment] = readFileSync(path.join(dir, "ssh_host_ed25519_key.pub"), "utf8").trim().split(" ");
    expect([type, blob, comment]).toEqual(["ssh-ed25519", publicOf(key), "burstflare-runtime"]);
  });

  it("replaces a kept key ssh2 cannot load (one ssh2's generator wrote) instead of failing every connection", () => {
    dir = mkdtempSync(path.join(tmpdir(), "host-key-"));
    expect(utils.parseKey(Buffer.from(SSH2_MALFORMED_KEY))).toBeInstanceOf(Error);
    writeFileSync(path.join(dir, "ssh_host_ed25519_key"), SSH2_MALFORMED_KEY);
    const key = loadHostKey(dir, utils);
    expect(utils.parseKey(key)).not.toBeInstanceOf(Error);
    expect(readFileSync(path.join(dir, "ssh_host_ed25519_key"))).toEqual(key);
  });

  it("makes client keys whose public line matches the private key", () => {
    for (let i = 0; i < 300; i++) {
      const pair = newEd25519Key("client");
      expect(pair.public.split(" ")[1]).toBe(publicOf(pair.private));
    }
  });
});
