import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";

/** After exit, how long output may still drain (a grandchild holding the pipes open is not waited for). */
const CLOSE_GRACE_MS = 500;

interface ExitStatus {
  code: number | null;
  signal: string | null;
}

/**
 * The child's exit, once its output has drained (or the grace period ran out); a child that could
 * not start reports `onStartError` and exits 127, as a shell would.
 */
export function waitForExit(
  child: ChildProcess & { stdout: Readable; stderr: Readable },
  onStartError: (err: Error) => void,
): Promise<ExitStatus> {
  return new Promise((resolve) => {
    child.on("error", (err) => {
      onStartError(err);
      resolve({ code: 127, signal: null });
    });
    child.on("exit", (code, signal) => {
      const done = () => resolve({ code, signal });
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        done();
      }, CLOSE_GRACE_MS);
      child.on("close", () => {
        clearTimeout(grace);
        done();
      });
    });
  });
}
