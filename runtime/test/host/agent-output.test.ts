import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { boundedLines, listeningPort } from "../../src/host/agent-output";

describe("the agent's ready signal", () => {
  it("takes a TCP port number only, never text that would move the agent URL to another host", () => {
    expect(listeningPort('{"event":"listening","port":40013}')).toBe(40013);
    for (const port of ['"1@127.0.0.1:8787"', '"8787"', "0", "65536", "1.5", "null"]) {
      expect(listeningPort(`{"event":"listening","port":${port}}`)).toBeNull();
    }
    expect(listeningPort("not json")).toBeNull();
    expect(listeningPort('{"event":"other","port":1}')).toBeNull();
  });

  it("skips a line longer than the bound whole and reads the lines after it", () => {
    const input = new PassThrough();
    const lines: string[] = [];
    boundedLines(input, (line) => lines.push(line), 8);
    input.write("short\n123456");
    input.write("789-too-long");
    input.write("\nafter\npart");
    input.write("ial\n");
    expect(lines).toEqual(["short", "after", "partial"]);
  });
});
