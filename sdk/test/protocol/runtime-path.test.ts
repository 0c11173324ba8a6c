import { describe, expect, it } from "vitest";
import { pathProblem, queryProblem, segmentProblem } from "../../protocol/runtime-path";

describe("runtime path rules", () => {
  it("refuses every segment that decodes or folds into a slash, a backslash, a dot segment or a control character", () => {
    const refused = [
      "..",
      ".",
      "%2e%2e",
      "%2E.",
      ".%2e",
      "%2e",
      "%252e%252e",
      "%25252e%25252e",
      "..;",
      ".;jsessionid=1",
      "%2e%2e;x",
      "a%2Fb",
      "a%2fb",
      "a%252Fb",
      "a%25252Fb",
      "a%5Cb",
      "a%5cb",
      "a%255Cb",
      "a\\b",
      "a%EF%BC%8Fb",
      "a%EF%BC%BCb",
      "%EF%BC%8E%EF%BC%8E",
      "%c0%af",
      "%c0%ae%c0%ae",
      "%e0%80%af",
      "a%00",
      "a%0d%0a",
      "a%09",
      "a%7f",
      "a%C2%85",
      "a b",
      "a\u0000",
      "é",
      "%2525252e",
      "a".repeat(1025),
    ];
    for (const segment of refused) expect(segmentProblem(segment), segment).not.toBeNull();
  });

  it("accepts what apps put in paths", () => {
    const accepted = [
      "",
      "a",
      "...",
      ".vite",
      "100%25.html",
      "100%.html",
      "a%20b",
      "%F0%9F%98%80",
      "@fs",
      "~user",
      "a;b",
      "a.b.c",
      "x=1&y",
    ];
    for (const segment of accepted) expect(segmentProblem(segment), segment).toBeNull();
  });

  it("allows only a trailing empty segment, and bounds the path and the query", () => {
    expect(pathProblem("/preview/")).toBeNull();
    expect(pathProblem("/preview/a/b")).toBeNull();
    expect(pathProblem("/preview//a")).not.toBeNull();
    expect(pathProblem("//preview")).not.toBeNull();
    expect(pathProblem("preview")).not.toBeNull();
    expect(pathProblem(`/preview${"/a".repeat(2100)}`)).not.toBeNull();
    expect(queryProblem("?a=%0d%0a&b=%2F..%2F")).toBeNull();
    expect(queryProblem("?a=\r\n")).not.toBeNull();
    expect(queryProblem(`?${"a".repeat(9000)}`)).not.toBeNull();
  });
});
