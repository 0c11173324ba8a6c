import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import type { Context } from "../src/context";
import { FlareCommand } from "../src/flare-command";

const sink = { write: () => true } as unknown as NodeJS.WritableStream;

/** A program whose every command gets `ctx` as its Context. */
function programWith(ctx: Context): FlareCommand {
  const app = createApp({}, { stdout: sink, stderr: sink }, { node: "node", bin: "flare" }, () => ctx);
  return new FlareCommand(app, "flare").exitOverride();
}

describe("FlareCommand", () => {
  it("hands run() the Context, then the arguments and options, on subcommands at any depth", async () => {
    const ctx = {} as Context;
    const program = programWith(ctx);
    const seen: unknown[] = [];
    program
      .command("group")
      .command("greet")
      .argument("<who>")
      .option("--loud")
      .run((c, who: string, opts: { loud?: boolean }) => {
        seen.push(c, who, opts);
      });
    await program.parseAsync(["group", "greet", "ana", "--loud"], { from: "user" });
    expect(seen).toEqual([ctx, "ana", { loud: true }]);
  });

  it("resolves the <session> argument of a sessionCommand for runWithSession", async () => {
    const session = { id: "ses_1", name: "dev" };
    const calls: unknown[] = [];
    const client = {
      call: async (route: string, opts: unknown) => {
        calls.push([route, opts]);
        return { session };
      },
    };
    const program = programWith({ client } as unknown as Context);
    const seen: unknown[] = [];
    const cmd = program.sessionCommand("status", "Show a session").runWithSession((_ctx, s, opts) => {
      seen.push(s, opts);
    });
    expect(cmd.registeredArguments.map((a) => [a.name(), a.description])).toEqual([["session", "session id or name"]]);
    await program.parseAsync(["status", "ses_1"], { from: "user" });
    expect(seen).toEqual([session, {}]);
    expect(calls).toHaveLength(1);
  });
});
