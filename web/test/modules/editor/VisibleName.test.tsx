import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { revealName, VisibleName } from "../../../src/modules/editor/VisibleName";
import { resetAfterEach } from "../../helpers";

resetAfterEach();

describe("revealName", () => {
  it("spells out bidi controls, zero-width and other invisible characters", () => {
    expect(revealName("invoice\u202Egpj.js")).toBe("invoice\\u202Egpj.js");
    // Bidi overrides, embeddings, isolates and marks; zero-width and other ignorables; controls and separators.
    const hidden = [0x202e, 0x202a, 0x2066, 0x2069, 0x200f, 0x061c, 0x200b, 0x200d, 0xfeff, 0xad, 0x3164, 0x0a, 0x07, 0x2028];
    for (const code of hidden) {
      const shown = `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
      expect(revealName(`a${String.fromCharCode(code)}b`), shown).toBe(`a${shown}b`);
    }
    expect(revealName("tag\u{E0041}")).toBe("tag\\u{E0041}");
    expect(revealName("lone\uD800")).toBe("lone\\uD800");
  });

  it("leaves ordinary names alone, other scripts and emoji included", () => {
    for (const name of ["main.ts", "café.py", "ملف.txt", "文件.md", "😀 notes.md", "a b-c_d.e"]) expect(revealName(name)).toBe(name);
  });

  it("doubles a backslash, so a name spelling out an escape differs from one holding the character", () => {
    expect(revealName("invoice\\u202Egpj.js")).toBe("invoice\\\\u202Egpj.js");
    expect(revealName("invoice\\u202Egpj.js")).not.toBe(revealName("invoice\u202Egpj.js"));
  });
});

describe("VisibleName", () => {
  it("shows each hidden character as a styled escape, isolated left to right", () => {
    const { container } = render(<VisibleName name={"invoice\u202Egpj.js"} className="tree-name" />);
    const name = container.firstElementChild!;
    expect(name.textContent).toBe("invoice\\u202Egpj.js");
    expect(name.getAttribute("dir")).toBe("ltr");
    expect(name.className).toBe("tree-name");
    expect([...name.querySelectorAll(".hidden-char")].map((e) => e.textContent)).toEqual(["\\u202E"]);
  });

  it("shows a literal backslash as itself, unstyled", () => {
    const { container } = render(<VisibleName name={"a\\u202Eb\u200B"} />);
    expect(container.textContent).toBe("a\\u202Eb\\u200B");
    expect([...container.querySelectorAll(".hidden-char")].map((e) => e.textContent)).toEqual(["\\u200B"]);
  });
});
