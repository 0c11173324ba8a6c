import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { list } from "tar";
import { describe, expect, it } from "vitest";
import { MANIFEST_FILE, prepareBundle, resolveManifest } from "../src/bundle";
import { CLIError } from "../src/output";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "flare-bundle-test-"));

describe("resolveManifest", () => {
  it("reads burstflare.json from the directory and lets flags override it", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ persistedPaths: ["src"], build: "make", env: { A: "1" } }));
    const m = resolveManifest(dir, { build: "make all", env: ["B=two=2"], previewPort: 3000 });
    expect(m).toEqual({ persistedPaths: ["src"], build: "make all", env: { A: "1", B: "two=2" }, previewPort: 3000 });
  });

  it("builds a manifest from flags alone for a .tar.gz", () => {
    expect(resolveManifest("x.tar.gz", { persist: ["data", "src"], idleTimeout: 300 })).toEqual({
      persistedPaths: ["data", "src"],
      idleTimeoutSeconds: 300,
    });
  });

  it("refuses what the shared schema refuses, naming the field", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ persistedPaths: ["../etc"] }));
    const err = (() => {
      try {
        resolveManifest(dir, {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CLIError);
    expect((err as CLIError).code).toBe("invalid_manifest");
    expect((err as CLIError).message).toMatch(/persistedPaths/);
    expect(() => resolveManifest("x.tar.gz", { env: ["NOEQUALS"] })).toThrow(/NAME=value/);
  });
});

describe("prepareBundle", () => {
  it("tar+gzips a directory's contents at the archive root, without .git", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "README.md"), "hi");
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src", "main.sh"), "echo ok");
    mkdirSync(path.join(dir, ".git"));
    writeFileSync(path.join(dir, ".git", "HEAD"), "ref");
    const bundle = await prepareBundle(dir);
    const entries: string[] = [];
    await list({ file: bundle.file, onReadEntry: (e) => entries.push(e.path) });
    expect(entries.sort()).toEqual(["README.md", "src/", "src/main.sh"]);
    expect(bundle.bytes).toBeGreaterThan(0);
    bundle.cleanup();
  });

  it("uses a .tar.gz as is and refuses other files", async () => {
    const dir = tmp();
    const tgz = path.join(dir, "b.tar.gz");
    writeFileSync(tgz, "not really gzip, but the server judges that");
    expect((await prepareBundle(tgz)).file).toBe(tgz);
    writeFileSync(path.join(dir, "notes.txt"), "x");
    await expect(prepareBundle(path.join(dir, "notes.txt"))).rejects.toThrow(/neither a directory nor a .tar.gz/);
  });
});
