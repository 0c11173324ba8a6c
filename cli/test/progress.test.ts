import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ProgressBar, renderBar, Spinner } from "../src/progress";

/** A non-TTY stream that records what was written, as CI logs and pipes are. */
function capture(tty = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (tty) stream.isTTY = true;
  let text = "";
  stream.on("data", (d) => (text += d));
  return { stream, text: () => text };
}

describe("renderBar", () => {
  it("shows the fraction, percent and sizes", () => {
    expect(renderBar(0, 1000, 10)).toBe("[----------]   0% 0 B/1000 B");
    expect(renderBar(5 * 1024 * 1024, 10 * 1024 * 1024, 10)).toBe("[#####-----]  50% 5.0 MB/10.0 MB");
    expect(renderBar(20, 10, 4)).toBe("[####] 100% 20 B/10 B");
    expect(renderBar(0, 0, 4)).toBe("[####] 100% 0 B/0 B");
  });
});

describe("Spinner without a TTY", () => {
  it("prints each distinct message once, as plain lines without escape codes", () => {
    const out = capture();
    const s = new Spinner(out.stream).start("starting");
    s.update("starting");
    s.update("provisioning");
    s.update("provisioning");
    s.succeed("running");
    expect(out.text()).toBe("… starting\n… provisioning\n✓ running\n");
  });

  it("shows the server's words in its text and final line as text, never as terminal controls", () => {
    const out = capture();
    const s = new Spinner(out.stream).start("building \x1b]0;owned\x07");
    s.fail("build b1: failed (artifact export failed: 500 \x1b]52;c;ZXZpbA==\x07)");
    expect(out.text()).toBe("… building ^[]0;owned^G\n✗ build b1: failed (artifact export failed: 500 ^[]52;c;ZXZpbA==^G)\n");
  });

  it("prints nothing in --json mode, keeping stderr quiet for scripts", () => {
    const out = capture();
    const s = new Spinner(out.stream, { json: true }).start("starting");
    s.fail("failed");
    expect(out.text()).toBe("");
  });

  it("animates in place on a TTY, even with --json", () => {
    const out = capture(true);
    const s = new Spinner(out.stream, { json: true }).start("booting");
    s.succeed("ready");
    expect(out.text()).toContain("\r\x1b[2K");
    expect(out.text().endsWith("✓ ready\n")).toBe(true);
  });
});

describe("ProgressBar without a TTY", () => {
  it("prints at most one line per quarter, however many chunks arrive", () => {
    const out = capture();
    const total = 10 * 1024 * 1024;
    const bar = new ProgressBar(out.stream, "uploading", total);
    for (let sent = 0; sent < total; sent += 64 * 1024) bar.tick(64 * 1024);
    bar.finish();
    const lines = out.text().trimEnd().split("\n");
    expect(lines.length).toBe(5);
    expect(lines[0]).toMatch(/^uploading \[-+\]\s+0%/);
    expect(lines.at(-1)).toBe(`uploading ${renderBar(total, total)}`);
    expect(out.text()).not.toContain("\r");
  });

  it("reports completion even when the total was unknown (0)", () => {
    const out = capture();
    const bar = new ProgressBar(out.stream, "downloading", 0);
    bar.tick(100);
    bar.finish();
    expect(out.text()).toBe(`downloading ${renderBar(100, 0)}\n`);
  });
});
