import { describe, expect, it } from "vitest";
import { SSH_TOKEN_ENV, SSH_TOKEN_SESSION_ENV, tryFastProxy } from "../../src/ssh/fast-proxy";

const env = { [SSH_TOKEN_ENV]: "bfs_x", [SSH_TOKEN_SESSION_ENV]: "ses_1" };

describe("tryFastProxy", () => {
  it("leaves every other invocation to the full CLI", async () => {
    expect(await tryFastProxy(["session", "list"], env)).toBeNull();
    // A token minted for another session is never used for this one.
    expect(await tryFastProxy(["ssh-proxy", "ses_2"], env)).toBeNull();
    // No token at all: the full CLI mints one (and wakes the session).
    expect(await tryFastProxy(["ssh-proxy", "ses_1"], {})).toBeNull();
    expect(await tryFastProxy(["ssh-proxy", "ses_1", "extra"], env)).toBeNull();
    expect(await tryFastProxy(["ssh-proxy", "ses_1", "--help"], env)).toBeNull();
  });

  it("fails with the fix when the tunnel cannot be reached", async () => {
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await tryFastProxy(["--url", "http://127.0.0.1:9", "ssh-proxy", "ses_1"], env)).toBe(1);
    } finally {
      process.stderr.write = original;
    }
    expect(writes.join("")).toMatch(/^error: cannot open the ssh tunnel/);
  });
});
