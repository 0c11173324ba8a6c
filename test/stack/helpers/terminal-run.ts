import { randomBytes } from "node:crypto";
import os from "node:os";
import { TerminalClient } from "./terminal";
import type { StackUser } from "./users";

export interface Ran {
  output: string;
  code: number;
}

/** Runs a command in a fresh terminal of the session, as its user would, and returns what it printed. */
export async function runInTerminal(user: StackUser, sessionId: string, command: string, timeoutMs = 60_000): Promise<Ran> {
  const tag = randomBytes(4).toString("hex");
  const term = await TerminalClient.open(sessionId, user.headers);
  try {
    // Quotes split the markers so the echoed command line never matches them.
    term.send(`echo B"${tag}"; ( ${command} ) 2>&1; echo E"${tag}"-$?\r`);
    const done = new RegExp(`B${tag}\\r?\\n([\\s\\S]*?)E${tag}-(\\d+)`);
    await term.waitFor(done, timeoutMs);
    const match = done.exec(term.output)!;
    return { output: match[1]!.replace(/\r/g, ""), code: Number(match[2]) };
  } finally {
    await term.close();
  }
}

/** A bounded TCP connect attempt from inside the session: prints CONNECTED only when it got through. */
export const connectAttempt = (host: string, port: number) =>
  `timeout 2 bash -c 'exec 3<>/dev/tcp/${host}/${port} && echo CONNECTED' ; echo "attempt ${host}:${port} rc=$?"`;

/** Asserts each attempt ran and failed: `rc` non-zero for every target and no CONNECTED anywhere. */
export function refusedEverywhere(output: string, targets: [string, number][]): void {
  for (const [h, p] of targets) {
    const line = new RegExp(`attempt ${h.replaceAll(".", "\\.")}:${p} rc=([0-9]+)`).exec(output);
    if (!line) throw new Error(`no attempt on ${h}:${p} in:\n${output}`);
    if (line[1] === "0") throw new Error(`${h}:${p} was reached:\n${output}`);
  }
  if (output.includes("CONNECTED")) throw new Error(`a connection got through:\n${output}`);
}

/** Every IPv4 address of this machine: loopback, the LAN side and this machine's end of each runtime's link. */
export function machineAddresses(): string[] {
  const all = Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === "IPv4")
    .map((a) => a.address);
  return [...new Set(["127.0.0.1", ...all])];
}
