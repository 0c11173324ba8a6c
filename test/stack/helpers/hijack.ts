import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { api, until } from "./api";
import { probe } from "./driver-probe";
import type { StackUser } from "./users";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../security/fixtures/hijack-agent.pl");

/**
 * A hijacked agent: fixtures/hijack-agent.pl takes the agent's listening socket (pidfd_getfd),
 * stops it (ptrace) and answers the control plane in its place with `args`. The session's own code
 * once did exactly this, sharing the agent's uid; since the agent changes its uid itself (it is
 * not dumpable) only root can, and on the containers driver the session's shells are root. So
 * root on this machine runs the takeover inside the runtime's namespaces (the session's container,
 * on the containers driver), and the control plane
 * must still hold. Returns the first answer to the process list that is no longer the agent's own.
 */
export async function hijackAgent(
  user: StackUser,
  sessionId: string,
  args: string[],
): Promise<{ status: number; body: { error: { code: string } } }> {
  const target = String(await probe().agentPid(sessionId));
  const taker = spawn("nsenter", ["-t", target, "-p", "-m", "-n", "--", "perl", "-", ...args], { stdio: ["pipe", "ignore", "pipe"] });
  let failure = "";
  taker.stderr.on("data", (d) => (failure += d));
  taker.stdin.end(fs.readFileSync(SCRIPT));
  onTestFinished(() => {
    taker.kill("SIGKILL");
  });
  const params = { sessionId };
  return until(async () => {
    if (taker.exitCode !== null) throw new Error(`the takeover ended (exit ${taker.exitCode}): ${failure}`);
    const answer = await api(user, "GET /api/sessions/{sessionId}/processes", { params });
    const text = await answer.text();
    return answer.status === 200 && text.includes('"processes"') ? null : { status: answer.status, body: JSON.parse(text) };
  }, "the hijacked agent to answer in the agent's place");
}
