import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { StartProcessBody } from "@burstflare/sdk/protocol/automation";
import { type AgentConfig, allowedSessionEnv } from "../config";
import type { WorkspacePaths } from "../files/workspace-paths";
import { loginShell, shellEnv } from "../shell";
import { type GroupOwner, MemberGroups } from "./member-groups";

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
 * It runs in its owner's member group (member-groups.ts), which outlasts a setsid.
 */
export async function spawnCommand(
  config: AgentConfig,
  paths: WorkspacePaths,
  body: StartProcessBody,
  owner: GroupOwner | null,
): Promise<SpawnedCommand> {
  const cwd = body.cwd ? (await paths.resolve(body.cwd, { followFinal: true })).abs : config.workspace;
  const env = shellEnv(config, { ...allowedSessionEnv(body.env), PWD: cwd });
  const options = { cwd, env, stdio: "pipe" as const, detached: true };
  const shell = loginShell();
  const [file = "", ...args] = body.argv ?? [shell.file, ...shell.commandArgs(body.command ?? "")];
  const launch = MemberGroups.launch(owner, file, args);
  const child = spawn(launch.file, launch.args, options);
  launch.placed(child.pid);
  return { child, display: body.argv ? body.argv.join(" ") : (body.command ?? ""), cwd };
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
