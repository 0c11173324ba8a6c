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
});
