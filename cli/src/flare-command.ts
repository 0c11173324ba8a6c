import type { ApiClient } from "@burstflare/sdk/client";
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
  private readonly app: App;

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

  /** Declares subcommands whose first argument names the thing they act on (`<template>`, `<buildId>`…). */
  commandsOn(argument: string, description: string): (name: string, description: string) => FlareCommand {
    return (name, about) => this.command(name).description(about).argument(argument, description);
  }

  /** A subcommand whose first argument is `<session>` (see runWithSession). */
  sessionCommand(name: string, description: string): FlareCommand {
    return this.commandsOn("<session>", "session id or name")(name, description);
  }

  /** `run` for a command whose first argument names a thing: it gets what `resolve` finds for it. */
  runWith<T, A extends unknown[]>(
    resolve: (client: ApiClient, ref: string) => Promise<T>,
    run: (ctx: Context, found: T, ...args: A) => void | Promise<void>,
  ): this {
    return this.run(async (ctx, ref: string, ...rest: A) => run(ctx, await resolve(ctx.client, ref), ...rest));
  }

  /** `run` for a command whose first argument is `<session>`: it gets the session that argument names. */
  runWithSession<A extends unknown[]>(run: (ctx: Context, session: Session, ...args: A) => void | Promise<void>): this {
    return this.runWith(async (client, ref) => {
      // Loaded only when a command runs, like the Context (main.ts).
      const { resolveSession } = await import("./sessions");
      return resolveSession(client, ref);
    }, run);
  }
}
