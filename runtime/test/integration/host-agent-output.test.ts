import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_AGENT_LOG_BYTES } from "../../src/host/agent-output";
import { agentExec, useTestHost } from "../helpers/host";
import { waitFor } from "../helpers/wait";

/**
 * Whoever holds the agent's stdout (the pipe the root host reads) can write anything there: a
 * compromised agent, or before the agent changed its uid itself, any code in its session, which
 * took the descriptor with pidfd_getfd. Here root on the host takes it from the runtime's first
 * process, which shares that pipe with the agent.
 */
const writeToAgentStdout = (pid: number, perlBody: string) =>
  spawnSync(
    "perl",
    [
      "-e",
      [
        `use Fcntl; my $p = syscall(434, ${pid}, 0); my $fd = syscall(438, $p, 1, 0); die qq(getfd: $!) if $fd < 0;`,
        'open(my $fh, ">&=", $fd) or die; fcntl($fh, F_SETFL, fcntl($fh, F_GETFL, 0) & ~O_NONBLOCK);',
        perlBody,
        "close $fh or die qq(close: $!); print qq(written\\n)",
      ].join(" "),
    ],
    { encoding: "utf8" },
  );

/** The same attempt from the session's own code, which the agent's own uid change keeps out. */
const fromSession =
  "perl -e 'my $p = syscall(434, 1, 0); my $fd = syscall(438, $p, 1, 0); print $fd < 0 ? qq(refused: $!) : qq(took it)' 2>&1";

describe("the root host reading what an agent writes", () => {
  const fixture = useTestHost("out-attacker", {}, 60_000);

  it("survives a 600 MB line without a newline and caps the log of endless output; other runtimes keep answering", async () => {
    const { host, info } = fixture;
    const bystander = await host.start("out-bystander");
    // One line past V8's longest string: readline's buffer threw out of the stream and ended the host.
    expect((await agentExec(info, fromSession)).output).toBe("refused: Operation not permitted");
    const line = writeToAgentStdout(info.pid, 'my $c = "x" x (1 << 20); for (1..600) { print $fh $c or die }');
    expect(line.stdout + line.stderr).toContain("written");
    const lines = writeToAgentStdout(info.pid, 'my $c = ("y" x 1023) . "\\n"; for (1..40960) { print $fh $c or die }');
    expect(lines.stdout + lines.stderr).toContain("written");
    expect(host.process.exitCode).toBeNull();
    expect((await host.request("/health")).status).toBe(200);
    expect((await agentExec(bystander, "echo still-here")).output).toBe("still-here\n");
    expect((await agentExec(info, "echo attacker-too")).output).toBe("attacker-too\n");
    const log = path.join(host.dataDir, ".host", "logs", "out-attacker.log");
    await waitFor(() => fs.readFileSync(log, "utf8").includes("the rest of this run is not logged"), "the log cap note");
    expect(fs.statSync(log).size).toBeLessThan(MAX_AGENT_LOG_BYTES + 64 * 1024);
  }, 120_000);
});
