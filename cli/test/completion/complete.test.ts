import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { complete, type NameKind } from "../../src/completion/complete";
import { NAME_CACHE_TTL_MS, NameCache } from "../../src/completion/name-cache";
import { completionScript } from "../../src/completion/scripts";
import { createContext } from "../../src/context";
import { buildProgram } from "../../src/main";

const sink = { write: () => true } as unknown as NodeJS.WritableStream;
const program = () => buildProgram(createApp({}, { stdout: sink, stderr: sink }, { node: "node", bin: "flare" }, createContext));
const names: Record<NameKind, string[]> = { sessions: ["dev", "demo", "api"], templates: ["starter", "python"], snapshots: ["snp_1"] };

async function candidates(words: string[]) {
  const asked: NameKind[] = [];
  const out = await complete(await program(), words, {
    names: async (kind) => {
      asked.push(kind);
      return names[kind];
    },
  });
  return { out, asked };
}

describe("complete", () => {
  it("completes command groups and subcommands by prefix, never hidden ones", async () => {
    expect((await candidates(["sn"])).out).toEqual(["snapshot", "snapshots"]);
    expect((await candidates(["session", "st"])).out).toEqual(["start", "status", "stop"]);
    expect((await candidates([""])).out).not.toContain("__complete");
    expect((await candidates([""])).out).toContain("completion");
  });

  it("completes names where an argument takes a session, template or snapshot", async () => {
    expect(await candidates(["ssh", "de"])).toEqual({ out: ["demo", "dev"], asked: ["sessions"] });
    expect((await candidates(["snapshot", "list", ""])).out).toEqual(["api", "demo", "dev"]);
    expect((await candidates(["template", "inspect", "p"])).out).toEqual(["python"]);
  });

  it("completes option names, and the values of options that take a name", async () => {
    expect((await candidates(["ssh", "--forw"])).out).toEqual(["--forward-agent"]);
    const { out, asked } = await candidates(["session", "up", "dev", "--template", "s"]);
    expect(out).toEqual(["starter"]);
    expect(asked).toEqual(["templates"]);
  });

  it("does not ask the API where no name fits", async () => {
    const { out, asked } = await candidates(["ssh", "dev", "--", "ls"]);
    expect(out).toEqual([]);
    expect(asked).toEqual([]);
    expect((await candidates(["completion", ""])).asked).toEqual([]);
  });
});

describe("NameCache", () => {
  it("answers from disk until the entry is older than the TTL, per server", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flare-cache-"));
    let t = 1_000_000;
    const cache = new NameCache(dir, "http://localhost:8787", () => t);
    expect(cache.get("sessions")).toBeNull();
    cache.set("sessions", ["dev"]);
    expect(cache.get("sessions")).toEqual(["dev"]);
    expect(new NameCache(dir, "https://other.example", () => t).get("sessions")).toBeNull();
    t += NAME_CACHE_TTL_MS;
    expect(cache.get("sessions")).toBeNull();
  });
});

describe("completionScript", () => {
  it("asks `flare __complete --` with the words up to the cursor in each shell", () => {
    // The bash array slice: words 1..COMP_CWORD of the line.
    expect(completionScript("bash")).toContain(`flare __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}"`);
    expect(completionScript("zsh")).toContain("compdef _flare flare");
    expect(completionScript("fish")).toContain("complete -c flare");
  });
});

describe("complete, past the arguments", () => {
  it("offers nothing for a second argument that is not a name", async () => {
    expect(await candidates(["template", "upload", "starter", ""])).toEqual({ out: [], asked: [] });
  });
});
