import { describe, expect, it } from "vitest";
import { MASKED, SecretMask } from "../../src/lib/secret-mask";

describe("SecretMask", () => {
  it("hides every occurrence of each value, a longer secret whole even when it contains a shorter one", () => {
    const mask = new SecretMask(["tok_abcdef", "abcd", "npm_12345"]);
    expect(mask.apply("a=tok_abcdef b=abcd c=npm_12345 d=npm_12345")).toBe(`a=${MASKED} b=${MASKED} c=${MASKED} d=${MASKED}`);
  });

  it("leaves values under four characters alone (they would blank ordinary words)", () => {
    const mask = new SecretMask(["abc", "", "x"]);
    expect(mask.empty).toBe(true);
    expect(mask.apply("abc x")).toBe("abc x");
  });

  it("holds back, while output arrives, a tail that may be the start of a secret", () => {
    const mask = new SecretMask(["s3cr3t-value"]);
    expect(mask.applySettled("token: s3cr")).toBe("token: ");
    expect(mask.applySettled("token: s3cr3t-valu")).toBe("token: ");
    expect(mask.applySettled("token: s3cr3t-value and more")).toBe(`token: ${MASKED} and more`);
    // A tail that is no secret's start is shown at once.
    expect(mask.applySettled("token: nothing here")).toBe("token: nothing here");
    expect(mask.apply("token: s3cr")).toBe("token: s3cr");
  });

  it("hides each line of a multi-line secret and its JSON-escaped form", () => {
    const pem = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n  bktqRXNOq1yEkfE9Y3mw\n-----END KEY-----";
    const mask = new SecretMask([pem]);
    expect(mask.apply(`key: ${pem}`)).toBe(`key: ${MASKED}`);
    // Re-indented by the program that printed it.
    expect(mask.apply("    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n    bktqRXNOq1yEkfE9Y3mw")).toBe(`    ${MASKED}\n    ${MASKED}`);
    expect(mask.apply(JSON.stringify({ KEY: pem }))).toBe(`{"KEY":"${MASKED}"}`);
  });

  it("keeps the tail of finished output without the start of a secret cut in half", () => {
    const key = "k3y-0123456789abcdefghij";
    const mask = new SecretMask([key]);
    const output = `T=${key}\n${"x".repeat(30)}\nlast line\n`;
    // Whole output fits once masked: nothing dropped.
    expect(mask.tail(output, 100)).toBe(`T=${MASKED}\n${"x".repeat(30)}\nlast line\n`);
    // The window starts inside the key's line: that line goes, never the key's tail.
    expect(mask.tail(output, 40)).toBe("last line\n");
    // Output already cut before (a raw tail that begins inside the key): its first line goes too.
    const rawTail = `${key.slice(10)}\nafter\n`;
    expect(mask.tail(rawTail, 100, true)).toBe("after\n");
    expect(new SecretMask([]).tail(rawTail, 100, true)).toBe(rawTail);
  });
});
