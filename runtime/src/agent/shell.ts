import { existsSync } from "node:fs";
import type { AgentConfig } from "./config";

/** bash when the image has it, plain sh otherwise. */
export function loginShell(): { file: string; loginArgs: string[]; commandArgs: (command: string) => string[] } {
  if (existsSync("/bin/bash")) {
    return { file: "/bin/bash", loginArgs: ["-l"], commandArgs: (command) => ["-lc", command] };
  }
  return { file: "/bin/sh", loginArgs: ["-l"], commandArgs: (command) => ["-c", command] };
}

/** The environment every shell, exec and SSH channel of the runtime starts with. */
export function shellEnv(config: AgentConfig, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...config.userEnv,
    HOME: config.workspace,
    PWD: config.workspace,
    SHELL: loginShell().file,
    TERM: "xterm-256color",
    LANG: config.userEnv.LANG ?? "C.UTF-8",
    BURSTFLARE_RUNTIME_ID: config.runtimeId,
    BURSTFLARE_WORKSPACE: config.workspace,
    ...extra,
  };
}
