import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../src/output";
import { terminalSafe } from "../src/terminal-text";

// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what must not be printed
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/;

/** What a server string holds → what a person's terminal receives. */
const SHOWN: [input: string, shown: string][] = [
  // ESC, BEL, C1 and DEL become caret text, so no terminal command starts.
  ["a\u001b]52;c;ZWNobw==\u0007b", "a^[]52;c;ZWNobw==^Gb"],
  ["\u001b[2J\u001b]8;;javascript:x\u001b\\link", "^[[2J^[]8;;javascript:x^[\\link"],
  ["\u009b2J\u009d0;title\u009c", "\\x9b2J\\x9d0;title\\x9c"],
  ["del\u007f nul\u0000", "del^? nul^@"],
  // A lone CR becomes a line break (no overwritten line); CRLF, LF, tabs and text stay.
  ["safe line\rfaked", "safe line\nfaked"],
  ["a\r\nb\n\tc ünï 日本", "a\r\nb\n\tc ünï 日本"],
];

describe("terminalSafe", () => {
  it("shows every control as visible text and keeps line breaks, tabs and printable text", () => {
    for (const [input, shown] of SHOWN) expect(terminalSafe(input), JSON.stringify(input)).toBe(shown);
  });
});

describe("Output", () => {
  function capture(json: boolean) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const read = (s: PassThrough) => String(s.read() ?? "");
    return { out: new Output({ stdout, stderr }, json), stdout: () => read(stdout), stderr: () => read(stderr) };
  }
  const hostile = "ws\u001b]52;c;ZWNobw==\u0007\rfake";

  it("prints results, events, notes and errors for a person without raw controls", () => {
    const c = capture(false);
    c.out.result({}, () => `name: ${hostile}`);
    c.out.event({}, () => hostile);
    c.out.note(hostile);
    c.out.error({ code: "x", message: hostile, hint: hostile });
    const printed = c.stdout() + c.stderr();
    expect(printed).not.toMatch(RAW_CONTROL);
    expect(printed).toContain("ws^[]52;c;ZWNobw==^G\nfake");
  });

  it("prints --json results, events and errors with every control escaped, C1 and DEL included", () => {
    // JSON.stringify leaves U+007F-U+009F raw; U+009D…U+009C is an OSC (52: the clipboard), U+009B a CSI.
    const c1 = `${hostile}\u009d52;c;ZWNobw==\u009c\u009b2J\u007f`;
    const c = capture(true);
    c.out.result({ name: c1 }, () => c1);
    c.out.event({ type: "log", data: c1 }, () => c1);
    c.out.error({ code: "x", message: c1 });
    const [stdout, stderr] = [c.stdout(), c.stderr()];
    expect(stdout + stderr).not.toMatch(RAW_CONTROL);
    const [result, event] = stdout.split(/\n(?=\{)/);
    expect(JSON.parse(result!)).toEqual({ name: c1 });
    expect(JSON.parse(event!)).toEqual({ type: "log", data: c1 });
    expect(JSON.parse(stderr)).toEqual({ error: { code: "x", message: c1 } });
  });
});
