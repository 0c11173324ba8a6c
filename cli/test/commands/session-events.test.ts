import { ApiError } from "@burstflare/sdk/errors";
import { describe, expect, it } from "vitest";
import { sessionEventLine } from "../../src/commands/session";
import { describeError, Output, table } from "../../src/output";
import { terminalSafe } from "../../src/terminal-text";

/** What a template's failing bootstrap can print: set the reader's clipboard, retitle, clear the screen. */
const HOSTILE = "npm ERR!\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07\x1b]0;owned\x07\x1b[2J\x9b31m done\r\n";

/** C0 but newline, tab and the CR of a CRLF, DEL, C1: what a terminal may act on. */
const hasControl = (text: string) =>
  [...text.replaceAll("\r\n", "\n")].some((c) => {
    const n = c.codePointAt(0) ?? 0;
    return (n < 0x20 && n !== 0x0a && n !== 0x09) || (n >= 0x7f && n <= 0x9f);
  });

describe("text from a session reaching a terminal", () => {
  it("a session event's message (a failing bootstrap's output) prints no control characters", () => {
    const line = sessionEventLine({
      seq: 3,
      type: "warning",
      at: "2026-12-07T18:00:00.000Z",
      state: "running",
      stateVersion: 4,
      phase: null,
      message: `bootstrap exited 1: ${HOSTILE}`,
      sleepsAt: null,
    });
    expect(hasControl(line)).toBe(false);
    expect(line).toContain("npm ERR!^[]52;c;Y3VybCBldmlsIHwgc2g=^G");
    expect(line).toContain("\\x9b31m done\r\n");
  });

  it("table cells and error messages print no control characters either; plain text is unchanged", () => {
    const rendered = table([{ port: 3000, state: `listening on ${HOSTILE}` }], { port: "port", state: "state" });
    expect(hasControl(rendered)).toBe(false);
    const written: string[] = [];
    const stderr = {
      write: (t: string) => {
        written.push(t);
        return true;
      },
    };
    const out = new Output({ stdout: process.stdout, stderr: stderr as never }, false);
    out.error(
      describeError(new ApiError("runtime_unavailable", `agent refused snapshot: 500 ${HOSTILE}`), { baseURL: "x", usingEnvToken: false }),
    );
    expect(hasControl(written.join(""))).toBe(false);
    expect(terminalSafe("plain text\twith tabs\nand lines — ünïcode")).toBe("plain text\twith tabs\nand lines — ünïcode");
  });
});
