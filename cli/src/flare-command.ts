import type { Session } from "@burstflare/sdk/schemas/sessions";
import { Command } from "commander";
import type { App } from "./app";
import type { Context } from "./context";

type Run<A extends unknown[]> = (ctx: Context, ...args: A) => void | Promise<void>;

/**
 * The CLI's commands: `run` sets an action that gets the invocation's Context first, then the
 * arguments and options commander passes. Subcommands are FlareCommands too (createCommand).
 */
export class FlareCommand extends Command {
  readonly app: App;

  constructor(app: App, name?: string) {
    super(name);
    this.app = app;
  }

  override createCommand(name?: string): FlareCommand {
    return new FlareCommand(this.app, name);
  }

  run<A extends unknown[]>(run: Run<A>): this {
    // Commander calls the action with the arguments, the options and this command last.
    return this.action((...args: unknown[]) => run(this.app.ctx(this), ...(args.slice(0, -1) as A)));
  }

  /** `run` for a command whose first argument is `<session>`: it gets the session that argument names. */
  runWithSession<A extends unknown[]>(run: (ctx: Context, session: Session, ...args: A) => void | Promise<void>): this {
    return this.run(async (ctx, ref: string, ...rest: A) => {
      // Loaded only when a command runs, like the Context (main.ts).
      const { resolveSession } = await import("./sessions");
      return run(ctx, await resolveSession(ctx.client, ref), ...rest);
    });
  }
}
