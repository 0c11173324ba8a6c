import fs from "node:fs";
import path from "node:path";
import { ApiError } from "@burstflare/sdk/errors";

/** The agent reads this file once at start-up and deletes it. */
const SESSION_ENV_FILE = "session-env.json";

/**
 * The session's variables travel to the agent as one file in its data dir, never in an
 * environment: the host's helpers run as root and the agent is a Node process, and neither
 * may start with PATH, LD_PRELOAD or NODE_OPTIONS chosen by the session. The folder belongs to
 * the runtime's uid, so nothing in it is followed: a planted symlink fails the start.
 */
export function writeSessionEnvFile(agentDataDir: string, uid: number | null, env: Record<string, string>): string {
  const stat = fs.lstatSync(agentDataDir);
  if (!stat.isDirectory()) throw new ApiError("runtime_unavailable", `${agentDataDir} is not a directory`);
  const file = path.join(agentDataDir, SESSION_ENV_FILE);
  fs.rmSync(file, { force: true });
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(env));
    if (uid !== null) fs.fchownSync(fd, uid, uid);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
