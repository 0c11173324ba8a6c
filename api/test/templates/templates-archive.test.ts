import { describe, expect, it } from "vitest";
import { DEFAULT_ARCHIVE_LIMITS, inspectArchive } from "../../src/templates/archive-inspect";
import { gzip, type TarEntry, tar, targz } from "../helpers/tar";

async function inspect(data: Uint8Array, limits = DEFAULT_ARCHIVE_LIMITS) {
  return inspectArchive(new Blob([data]).stream(), () => data.length, limits);
}

async function rejection(entries: TarEntry[]): Promise<string> {
  const err = await inspect(await targz(entries)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ code: "unsafe_archive" });
  return (err as Error).message;
}

describe("inspectArchive", () => {
  it("accepts a normal tree with links that stay inside", async () => {
    const stats = await inspect(
      await targz([
        { name: "src/", type: "dir" },
        { name: "src/index.js", content: "console.log(1)" },
        { name: "node_modules/pkg/cli.js", content: "#!/usr/bin/env node" },
        { name: "node_modules/.bin/pkg", type: "symlink", linkname: "../pkg/cli.js" },
        { name: "same", type: "symlink", linkname: "./src" },
        { name: "copy.js", type: "link", linkname: "src/index.js" },
      ]),
    );
    expect(stats.files).toBe(6);
  });

  it("names an absolute path", async () => {
    expect(await rejection([{ name: "/etc/cron.d/evil", content: "x" }])).toMatch(/absolute path.*\/etc\/cron\.d\/evil/);
  });

  it('names a ".." path', async () => {
    expect(await rejection([{ name: "a/../../outside.txt", content: "x" }])).toMatch(/"\.\."/);
  });

  it("names a symlink with an absolute target", async () => {
    expect(await rejection([{ name: "passwd", type: "symlink", linkname: "/etc/passwd" }])).toMatch(/symlink passwd points outside/);
  });

  it("names a symlink that climbs out of the tree", async () => {
    expect(await rejection([{ name: "a/b/link", type: "symlink", linkname: "../../../secret" }])).toMatch(
      /symlink a\/b\/link points outside/,
    );
  });

  it("catches a symlink that escapes through another symlink", async () => {
    const message = await rejection([
      { name: "here", type: "symlink", linkname: "." },
      { name: "up", type: "symlink", linkname: "here/.." },
    ]);
    expect(message).toMatch(/symlink up points outside the tree through another link/);
  });

  it("names a hardlink out of the tree", async () => {
    expect(await rejection([{ name: "shadow", type: "link", linkname: "../../etc/shadow" }])).toMatch(/hardlink shadow points outside/);
  });

  it("refuses device and fifo entries", async () => {
    expect(await rejection([{ name: "pipe", type: "fifo" }])).toMatch(/fifo entries are not allowed/);
  });

  it("names too many files", async () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, content: "x" }));
    const err = await inspect(await targz(entries), { ...DEFAULT_ARCHIVE_LIMITS, maxFiles: 5 }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: "unsafe_archive", message: expect.stringMatching(/too many files.*limit 5/) });
  });

  it("names a decompression bomb by ratio", async () => {
    const bomb = await targz([{ name: "zeros.bin", content: new Uint8Array(24 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(200_000);
    const err = await inspect(bomb).catch((e: Error) => e);
    expect(err).toMatchObject({ code: "unsafe_archive", message: expect.stringMatching(/decompression bomb.*100x/) });
  });

  it("names a decompression bomb by total size", async () => {
    const data = await targz([{ name: "big.bin", content: crypto.getRandomValues(new Uint8Array(64 * 1024)) }]);
    const err = await inspect(data, { ...DEFAULT_ARCHIVE_LIMITS, maxUncompressedBytes: 32 * 1024 }).catch((e: Error) => e);
    expect(err).toMatchObject({
      code: "unsafe_archive",
      message: expect.stringMatching(/decompression bomb: archive expands past 32768 bytes/),
    });
  });

  it("names a body that is not gzip", async () => {
    const err = await inspect(tar([{ name: "a.txt", content: "plain tar" }])).catch((e: Error) => e);
    expect(err).toMatchObject({ code: "unsafe_archive", message: expect.stringMatching(/not a gzip archive/) });
  });

  it("names gzip that is not a tar", async () => {
    const err = await inspect(await gzip(new Uint8Array(new TextEncoder().encode("just some text, not a tar header".repeat(40))))).catch(
      (e: Error) => e,
    );
    expect(err).toMatchObject({ code: "unsafe_archive", message: expect.stringMatching(/not a valid tar archive/) });
  });
});
