import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureManagedKey, fingerprint } from "../../src/ssh/keys";

describe("managed SSH key", () => {
  it("is created once with ssh-keygen as ed25519, private half 0600, and reused after", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "flare-keys-")), "cfg");
    const first = await ensureManagedKey(dir);
    expect(first.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ burstflare-managed@/);
    expect(statSync(first.paths.privateKey).mode & 0o777).toBe(0o600);
    expect(statSync(first.paths.dir).mode & 0o777).toBe(0o700);
    const second = await ensureManagedKey(dir);
    expect(second.publicKey).toBe(first.publicKey);
  });

  it("computes the same fingerprint as ssh-keygen -l", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-keys-"));
    const { paths, publicKey } = await ensureManagedKey(dir);
    const fromKeygen = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", paths.publicKey], { encoding: "utf8" }).split(" ")[1];
    expect(fingerprint(publicKey)).toBe(fromKeygen);
    expect(fingerprint(readFileSync(paths.publicKey, "utf8"))).toBe(fromKeygen);
  });

  it("names the fix when ssh-keygen is missing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-keys-"));
    await expect(ensureManagedKey(dir, "/nonexistent/ssh-keygen")).rejects.toMatchObject({
      code: "ssh_keygen_failed",
      hint: expect.stringContaining("install OpenSSH"),
    });
  });
});
