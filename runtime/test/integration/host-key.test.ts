import { randomBytes } from "node:crypto";
import { utils } from "ssh2";
import { describe, expect, it } from "vitest";
import { ed25519FromSeed } from "../../src/agent/ssh/host-key";

const publicOf = (key: Buffer) => {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw parsed;
  return parsed.getPublicSSH().toString("base64");
};

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

  it("refuses a seed of the wrong length", () => {
    expect(() => ed25519FromSeed(randomBytes(16))).toThrow(/32 bytes/);
  });
});
