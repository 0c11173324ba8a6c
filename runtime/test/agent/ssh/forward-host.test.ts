import { describe, expect, it } from "vitest";
import { forwardHost } from "../../../src/agent/ssh/ssh-service";

describe("ssh -L destinations", () => {
  it("allows IP literals on loopback and the runtime's own names", () => {
    for (const ip of ["127.0.0.1", "127.10.0.1", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1"]) expect(forwardHost(ip), ip).toBe(ip);
    for (const name of ["localhost", "0.0.0.0", "ip6-localhost"]) expect(forwardHost(name), name).toBe("127.0.0.1");
  });

  it("refuses names that only look like loopback, before any DNS lookup, and other addresses", () => {
    for (const dest of [
      "127.10.0.0.1.nip.io",
      "127.0.0.1.example.com",
      "127.x",
      "localhost.evil.example",
      "10.0.0.1",
      "169.254.169.254",
      "1::1",
      "",
    ]) {
      expect(forwardHost(dest), dest).toBeNull();
    }
  });
});
