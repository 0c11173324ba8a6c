import { describe, expect, it } from "vitest";
import { nextPath, signInPathFor } from "../../src/auth/next-path";

const resolved = (next: string) => nextPath(`?next=${encodeURIComponent(next)}`);

describe("nextPath", () => {
  it("keeps a path of this app, with its query and fragment", () => {
    expect(resolved("/sessions/ses_1/workbench")).toBe("/sessions/ses_1/workbench");
    expect(resolved("/device?code=BCDF-GHJK#x")).toBe("/device?code=BCDF-GHJK#x");
    expect(resolved("/runtime/share/abc")).toBe("/runtime/share/abc");
    expect(nextPath(signInPathFor("/builds?status=failed").slice("/signin".length))).toBe("/builds?status=failed");
  });

  it("sends anything that would leave the app to the dashboard, as the browser would parse it", () => {
    for (const next of [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "\\/evil.example",
    ]) {
      expect(resolved(next), JSON.stringify(next)).toBe("/");
    }
    for (const next of ["https://evil.example/", "javascript:alert(1)", "evil.example", ""]) {
      expect(resolved(next), JSON.stringify(next)).toBe("/");
    }
    expect(nextPath("")).toBe("/");
  });
});
