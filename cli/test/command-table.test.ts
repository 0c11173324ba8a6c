import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { COMMANDS, commandWord } from "../src/command-table";
import { createContext } from "../src/context";
import { buildProgram } from "../src/main";

const sink = { write: () => true } as unknown as NodeJS.WritableStream;
const app = () => createApp({}, { stdout: sink, stderr: sink }, { node: "node", bin: "flare" }, createContext);

describe("COMMANDS", () => {
  it("lists each command exactly as its module defines it", async () => {
    const full = await buildProgram(app(), { load: "all" });
    expect(full.commands.map((c) => c.name())).toEqual(COMMANDS.map((e) => e.name));
    const listed = await buildProgram(app(), { load: null });
    for (const entry of COMMANDS) {
      const real = full.commands.find((c) => c.name() === entry.name)!;
      const shown = listed.commands.find((c) => c.name() === entry.name)!;
      expect(shown.description(), entry.name).toBe(real.description());
      expect(shown.aliases(), entry.name).toEqual(real.aliases());
      expect(shown.registeredArguments.map((a) => [a.name(), a.required, a.variadic])).toEqual(
        real.registeredArguments.map((a) => [a.name(), a.required, a.variadic]),
      );
      expect((shown as unknown as { _hidden: boolean })._hidden, entry.name).toBe((real as unknown as { _hidden: boolean })._hidden);
    }
    // The overview reads the same either way.
    expect(listed.helpInformation()).toBe(full.helpInformation());
  });

  it("loads only the command being run", async () => {
    const program = await buildProgram(app(), { load: "ssh" });
    expect(program.commands.find((c) => c.name() === "ssh")!.options.some((o) => o.long === "--forward-agent")).toBe(true);
    expect(program.commands.find((c) => c.name() === "session")!.commands).toEqual([]);
    const byAlias = await buildProgram(app(), { load: "ws" });
    expect(byAlias.commands.find((c) => c.name() === "workspace")!.commands.length).toBeGreaterThan(0);
  });
});

describe("commandWord", () => {
  it("finds the command after global options and their values", () => {
    expect(commandWord(["--url", "http://x", "--json", "session", "list"])).toBe("session");
    expect(commandWord(["--config-dir", "session", "ssh", "dev"])).toBe("ssh");
    expect(commandWord(["help", "ssh"])).toBe("ssh");
    expect(commandWord(["--help"])).toBeNull();
    expect(commandWord(["-v"])).toBeNull();
    expect(commandWord([])).toBeNull();
  });
});
