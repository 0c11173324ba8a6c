import { describe, expect, it } from "vitest";
import { REDACTED, redactCredentials } from "../log-redact";

describe("redactCredentials", () => {
  const cases: [string, string][] = [
    ["/runtime/share/bfsh_abcdefghijklmnopqrstuvwx/index.html", "/runtime/share/[redacted]/index.html"],
    ["/runtime/share/bfsh_abcdefghijklmnop.v1.usr.123.mac/", "/runtime/share/[redacted]/"],
    ["/runtime/preview/ses_1.v1.usr_2.99.MAC/app.js", "/runtime/preview/[redacted]/app.js"],
    ["/__burstflare/share/tok.grant/x", "/__burstflare/share/[redacted]/x"],
    ["/runtime/sessions/ses_1/ssh?token=bfs_abcdefghijklmnop&x=1", "/runtime/sessions/ses_1/ssh?token=[redacted]&x=1"],
    ["/__burstflare/enter?to=%2F&grant=v1.usr.1.mac", "/__burstflare/enter?to=%2F&grant=[redacted]"],
    ["/signup?invite=bfb_abcdefghijklmnopqrstuvwx", "/signup?invite=[redacted]"],
    ['{"authorization":"Bearer bfa_abcdefghijklmnopq"}', '{"authorization":"[redacted]"}'],
    ["Authorization: Bearer xyz", "Authorization: [redacted]"],
    ["failed for bfp_abcdefghijklmnopqrst in body", "failed for bfp_[redacted] in body"],
    [
      "[wrangler:info] GET /runtime/share/bfsh_abcdefghijklmnopqrstuvwx/ 302 Found (4ms)",
      "[wrangler:info] GET /runtime/share/[redacted]/ 302 Found (4ms)",
    ],
  ];
  for (const [input, output] of cases) {
    it(input, () => expect(redactCredentials(input)).toBe(output));
  }

  it("leaves ordinary paths and ids alone", () => {
    const line = '{"path":"/api/sessions/ses_abc/snapshots","status":200,"requestId":"r-1"}';
    expect(redactCredentials(line)).toBe(line);
    expect(REDACTED).toBe("[redacted]");
  });
});
