import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_AGENT_LOG_BYTES } from "../../src/host/agent-output";
import { agentExec, useTestHost } from "../helpers/host";
import { waitFor } from "../helpers/wait";

/**
 * Code in a session shares the agent's uid, so it can take the agent's stdout (the socket the
 * root host reads) with pidfd_getfd and write whatever it likes there.
 */
const writeToAgentStdout = (perlBody: string) =>
  [
    "perl -e '",
    "use Fcntl; my $p = syscall(434, 1, 0); my $fd = syscall(438, $p, 1, 0); die qq(getfd: $!) if $fd < 0;",
    'open(my $fh, ">&=", $fd) or die; fcntl($fh, F_SETFL, fcntl($fh, F_GETFL, 0) & ~O_NONBLOCK);',
    perlBody,
    " close $fh or die qq(close: $!); print qq(written\\n)' 2>&1",
  ].join(" ");

describe("the root host reading what an agent writes", () => {
  const fixture = useTestHost("out-attacker", {}, 60_000);

  it("survives a 600 MB line without a newline and caps the log of endless output; other runtimes keep answering", async () => {
    const { host, info } = fixture;
    const bystander = await host.start("out-bystander");
    // One line past V8's longest string: readline's buffer threw out of the stream and ended the host.
    const line = await agentExec(info, writeToAgentStdout('my $c = "x" x (1 << 20); for (1..600) { print $fh $c or die }'));
    expect(line.output).toContain("written");
    const lines = await agentExec(info, writeToAgentStdout('my $c = ("y" x 1023) . "\\n"; for (1..40960) { print $fh $c or die }'));
    expect(lines.output).toContain("written");
    expect(host.process.exitCode).toBeNull();
    expect((await host.request("/health")).status).toBe(200);
    expect((await agentExec(bystander, "echo still-here")).output).toBe("still-here\n");
    expect((await agentExec(info, "echo attacker-too")).output).toBe("attacker-too\n");
    const log = path.join(host.dataDir, ".host", "logs", "out-attacker.log");
    await waitFor(() => fs.readFileSync(log, "utf8").includes("the rest of this run is not logged"), "the log cap note");
    expect(fs.statSync(log).size).toBeLessThan(MAX_AGENT_LOG_BYTES + 64 * 1024);
  }, 120_000);
});
