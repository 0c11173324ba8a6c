import { describe, expect, it } from "vitest";
import { escapingSymlink, symlinkStaysInside } from "../archive-links";

describe("archive symlinks, followed as the kernel follows them", () => {
  it("catches a link that is lexically inside but leaves through another", () => {
    const links = new Map([["s", "."]]);
    expect(symlinkStaysInside("a", "s/..", links)).toBe(false);
    expect(symlinkStaysInside("a", "s/..", new Map())).toBe(true);
    // Either order: the check over the whole archive sees it.
    expect(
      escapingSymlink(
        new Map([
          ["a", "s/.."],
          ["s", "."],
        ]),
      ),
    ).toBe("a");
  });

  it("accepts links that stay inside, absolute targets and loops never do", () => {
    expect(
      escapingSymlink(
        new Map([
          ["d/up", "../d/f"],
          ["s", "d"],
          ["t", "s/x"],
        ]),
      ),
    ).toBeNull();
    expect(symlinkStaysInside("d/e/x", "../../f", new Map())).toBe(true);
    expect(symlinkStaysInside("d/x", "../..", new Map())).toBe(false);
    expect(symlinkStaysInside("x", "/etc", new Map())).toBe(false);
    expect(
      escapingSymlink(
        new Map([
          ["p", "q"],
          ["q", "p"],
        ]),
      ),
    ).toBe("p");
  });
});
