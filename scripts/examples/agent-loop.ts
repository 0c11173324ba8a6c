/**
 * A complete agent loop on the automation SDK (docs/automation.md): create a sandbox, let a
 * "model" propose shell commands and file edits, feed it the output, stop when the tests pass,
 * try a risky idea in a fork, keep a snapshot, clean up. The model here is a scripted stand-in;
 * swap `nextStep` for a call to your LLM. Run it against a local stack:
 *
 *   BURSTFLARE_URL=http://127.0.0.1:8787 BURSTFLARE_TOKEN=bfp_… npx tsx scripts/examples/agent-loop.ts
 *
 * test/stack/automation-sdk.test.ts runs runAgentLoop() against a real stack.
 */
import { ApiError, BurstFlare, type ExecResult } from "@burstflare/sdk/automation-client";

type Step = { kind: "write"; path: string; content: string } | { kind: "run"; command: string } | { kind: "done"; summary: string };

/** The stand-in model: writes a failing test, then the code that makes it pass. */
function nextStep(history: { step: Step; result?: ExecResult }[]): Step {
  const last = history.at(-1);
  if (history.length === 0) {
    return {
      kind: "write",
      path: "app/test.sh",
      content: '#!/bin/sh\n[ "$(sh app/add.sh 2 3)" = 5 ] && echo PASS || { echo FAIL; exit 1; }\n',
    };
  }
  if (last?.step.kind === "write") return { kind: "run", command: "sh app/test.sh" };
  if (last?.result && last.result.exitCode !== 0) return { kind: "write", path: "app/add.sh", content: "echo $(( $1 + $2 ))\n" };
  return { kind: "done", summary: `tests pass: ${last?.result?.stdout.trim()}` };
}

interface LoopReport {
  sessionId: string;
  steps: number;
  summary: string;
  forkIsolated: boolean;
  snapshotId: string;
}

export async function runAgentLoop(bf: BurstFlare, name = `agent-${Date.now().toString(36)}`): Promise<LoopReport> {
  const box = await bf.sessions.create({ name });
  try {
    const history: { step: Step; result?: ExecResult }[] = [];
    for (let i = 0; i < 10; i++) {
      const step = nextStep(history);
      if (step.kind === "done") {
        // Try a risky refactor in a fork; the original stays as it is.
        const fork = await box.fork(`${name}-try`);
        try {
          // The fork starts from the state the loop reached…
          const carried = await fork.exec("sh app/test.sh");
          await fork.exec("sed -i 's/+/-/' app/add.sh");
          const tried = await fork.exec("sh app/test.sh");
          const original = await box.exec("sh app/test.sh");
          const snapshot = await box.snapshot("tests pass");
          return {
            sessionId: box.id,
            steps: history.length,
            summary: step.summary,
            // …and what breaks there does not reach the original.
            forkIsolated: carried.exitCode === 0 && tried.exitCode !== 0 && original.exitCode === 0,
            snapshotId: snapshot.id,
          };
        } finally {
          await fork.delete();
        }
      }
      if (step.kind === "write") {
        await box.files.write(step.path, step.content);
        history.push({ step });
      } else {
        // Output is capped per stream; `truncated` says when the model sees only the start.
        const result = await box.exec(step.command, { timeoutMs: 60_000 });
        history.push({ step, result });
      }
    }
    throw new Error("the loop did not converge in 10 steps");
  } finally {
    await box.stop().catch((err: unknown) => {
      if (!(err instanceof ApiError && err.code === "invalid_state")) throw err;
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bf = new BurstFlare({ baseURL: process.env.BURSTFLARE_URL ?? "http://127.0.0.1:8787", token: process.env.BURSTFLARE_TOKEN ?? "" });
  runAgentLoop(bf).then(
    (report) => console.log(JSON.stringify(report, null, 2)),
    (err: unknown) => {
      console.error(err instanceof ApiError ? `${err.code}: ${err.message}` : err);
      process.exit(1);
    },
  );
}
