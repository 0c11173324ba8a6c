import { describe, expect, it } from "vitest";
import { BEGIN_MARKER, END_MARKER, findBlock, removeBlock, renderBlock, shellQuote, upsertBlock } from "../../src/ssh/config-block";

const block = (host: string) => renderBlock([{ host, options: [["User", "ana"]] }], ["managed"]);

const USER_CONFIG = `# my settings
Host github.com
  User git
  IdentityFile ~/.ssh/github

Host *
  ServerAliveInterval 60
`;

describe("ssh config block", () => {
  it("renders markers around Host entries", () => {
    const b = block("dev.burstflare");
    expect(b.split("\n")[0]).toBe(BEGIN_MARKER);
    expect(b).toContain("Host dev.burstflare\n  User ana\n");
    expect(b.trimEnd().endsWith(END_MARKER)).toBe(true);
  });

  it("creates the file content when there is none, and removes it back to empty", () => {
    const withBlock = upsertBlock("", block("a.burstflare"));
    expect(withBlock).toBe(block("a.burstflare"));
    expect(removeBlock(withBlock)).toBe("");
  });

  it("appends after the user's content and removes back to the exact original", () => {
    const withBlock = upsertBlock(USER_CONFIG, block("a.burstflare"));
    expect(withBlock.startsWith(USER_CONFIG)).toBe(true);
    expect(withBlock).toContain(`\n\n${BEGIN_MARKER}`);
    expect(removeBlock(withBlock)).toBe(USER_CONFIG);
  });

  it("adds the missing newline when the user's file lacks a final one", () => {
    const withBlock = upsertBlock("Host x\n  User y", block("a.burstflare"));
    expect(withBlock.startsWith("Host x\n  User y\n\n# ---")).toBe(true);
    expect(removeBlock(withBlock)).toBe("Host x\n  User y\n");
  });

  it("updates in place, keeping user content before and after the block byte for byte", () => {
    const before = "Host first\n  User one\n\n";
    const after = "\n# added later by the user\nHost last\n  Port 2222\n";
    const config = `${before}${block("old.burstflare")}${after}`;
    const updated = upsertBlock(config, block("new.burstflare"));
    expect(updated).toBe(`${before}${block("new.burstflare")}${after}`);
    expect(updated).not.toContain("old.burstflare");
    expect(removeBlock(updated)).toBe(`${before}${after}`);
  });

  it("is idempotent", () => {
    const once = upsertBlock(USER_CONFIG, block("a.burstflare"));
    expect(upsertBlock(once, block("a.burstflare"))).toBe(once);
  });

  it("preserves CRLF user content around the block", () => {
    const crlf = "Host win\r\n  User me\r\n";
    const updated = upsertBlock(upsertBlock(crlf, block("a.burstflare")), block("b.burstflare"));
    expect(updated.startsWith(crlf)).toBe(true);
    expect(removeBlock(updated)).toBe(crlf);
  });

  it("does not mistake a marker quoted inside a line for the block", () => {
    const config = `# see ${BEGIN_MARKER}\nHost x\n`;
    expect(findBlock(config)).toBeNull();
  });

  it("refuses a damaged block rather than guessing what to delete", () => {
    expect(() => upsertBlock(`${BEGIN_MARKER}\nHost a\n`, block("b"))).toThrow(/damaged/);
    expect(() => removeBlock(`Host a\n${END_MARKER}\n`)).toThrow(/damaged/);
    expect(() => findBlock(`${block("a")}${block("b")}`)).toThrow(/two/);
  });
});

describe("shellQuote", () => {
  it("leaves plain words and quotes the rest for a POSIX shell", () => {
    expect(shellQuote("/usr/bin/node")).toBe("/usr/bin/node");
    expect(shellQuote("/home/a b/flare.mjs")).toBe("'/home/a b/flare.mjs'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
