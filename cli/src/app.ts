import type { Command } from "commander";
import type { Env } from "./config";
import type { Context, GlobalOptions } from "./context";
import type { Streams } from "./output";
import type { Self } from "./self";

/** What command modules receive: the process's environment and streams, and a Context per command. */
export interface App {
  env: Env;
  streams: Streams;
  /** Absolute paths used to re-invoke this CLI (ProxyCommand lines). */
  self: Self;
  /** The Context for the command being run (global options resolved). */
  ctx(cmd: Command): Context;
  /** A command that runs a child (ssh) sets the exit code to pass through. */
  exitCode: number;
}

type ContextFactory = (opts: GlobalOptions, env: Env, streams: Streams) => Context;

/** `createContext` comes from context.ts, loaded only for a command that runs (main.ts). */
export function createApp(env: Env, streams: Streams, self: App["self"], createContext: ContextFactory): App {
  const cache = new WeakMap<Command, Context>();
  return {
    env,
    streams,
    self,
    exitCode: 0,
    ctx(cmd) {
      let c = cache.get(cmd);
      if (!c) {
        c = createContext(cmd.optsWithGlobals<GlobalOptions>(), env, streams);
        cache.set(cmd, c);
      }
      return c;
    },
  };
}

/** Help text epilogue: `Examples:` followed by one indented line per example. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}
