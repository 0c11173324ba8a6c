import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { StartProcessBody } from "@burstflare/sdk/protocol/automation";
import { type AgentConfig, allowedSessionEnv } from "../config";
import type { WorkspacePaths } from "../files/workspace-paths";
import { loginShell, shellEnv } from "../shell";

interface SpawnedCommand {
  child: ChildProcessWithoutNullStreams;
  /** What was asked for, for listings and audit: the shell command or the argv joined. */
  display: string;
  cwd: string;
}

/**
 * Starts a command for the automation API: argv runs without a shell, a command string through
 * the login shell, like /exec. Its own process group (detached), so a timeout or a signal
 * reaches everything it started. cwd is confined to the workspace like the file API's paths.
 */
export async function spawnCommand(config: AgentConfig, paths: WorkspacePaths, body: StartProcessBody): Promise<SpawnedCommand> {
  const cwd = body.cwd ? (await paths.resolve(body.cwd, { followFinal: true })).abs : config.workspace;
  const env = shellEnv(config, { ...allowedSessionEnv(body.env), PWD: cwd });
  const options = { cwd, env, stdio: "pipe" as const, detached: true };
  if (body.argv) {
    const [file = "", ...args] = body.argv;
    return { child: spawn(file, args, options), display: body.argv.join(" "), cwd };
  }
  const shell = loginShell();
  const command = body.command ?? "";
  return { child: spawn(shell.file, shell.commandArgs(command), options), display: command, cwd };
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
