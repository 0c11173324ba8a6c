import { ApiError } from "@burstflare/sdk/errors";
import { type RunExit, runEvent, truncationMarker } from "@burstflare/sdk/protocol/automation";
import type { ExecResult } from "@burstflare/sdk/schemas/automation";
import { ndjsonValues } from "../lib/ndjson";

type Stream = "stdout" | "stderr";

/**
 * A non-streamed `/exec`: the agent's RunEvents collected into one answer. The agent caps each
 * stream at `maxOutputBytes`, but the session's code may stand in for it (on the containers driver
 * its shells are root beside the agent): so the Worker keeps at most that much of each stream itself (counting characters,
 * never fewer than the bytes they came from) and ignores events that are not RunEvents.
 */
export async function collectRun(body: ReadableStream<Uint8Array>, maxOutputBytes: number): Promise<ExecResult> {
  const out: Record<Stream, string> = { stdout: "", stderr: "" };
  const cut: Record<Stream, boolean> = { stdout: false, stderr: false };
  let exit: RunExit | null = null;
  try {
    for await (const value of ndjsonValues(body)) {
      const parsed = runEvent.safeParse(value);
      if (!parsed.success) continue;
      const event = parsed.data;
      if (event.type === "exit") exit = event;
      else if (event.type !== "truncated") {
        const room = maxOutputBytes - out[event.type].length;
        if (event.data.length > room) cut[event.type] = true;
        out[event.type] += event.data.slice(0, Math.max(0, room));
      }
    }
  } catch (err) {
    throw new ApiError("runtime_unavailable", `the runtime's answer was not readable: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!exit) throw new ApiError("runtime_unavailable", "the runtime ended the command's stream early");
  const truncated = { stdout: exit.truncated.stdout || cut.stdout, stderr: exit.truncated.stderr || cut.stderr };
  for (const name of ["stdout", "stderr"] as const) {
    if (truncated[name]) out[name] += truncationMarker(Math.max(0, exit.bytes[name] - maxOutputBytes));
  }
  const { type: _type, ...result } = exit;
  return { ...result, truncated, ...out };
}
