import { z } from "zod";

/**
 * Sessions as programmable sandboxes (docs/automation.md): the agent's run and process surface,
 * shared by the agent (runtime/src/agent/exec/), the Worker (api/src/automation/routes/exec.ts) and
 * the SDK (sdk/automation-client.ts). Every request carries AGENT_TOKEN_HEADER like the rest.
 *
 *   POST /exec/run                 RunBody → NDJSON of RunEvent lines, last one `exit`; the
 *                                  process group is killed when the caller goes away
 *   GET  /processes                → { processes: ProcessInfo[] }
 *   POST /processes                StartProcessBody → ProcessInfo (held by the agent, survives the caller)
 *   GET  /processes/get?id=        → ProcessInfo
 *   GET  /processes/output?id=&offset= → ProcessOutput
 *   POST /processes/signal?id=     { signal } → ProcessInfo
 *   POST /processes/wait?id=&timeoutMs= → ProcessInfo (still `running` when the wait ran out)
 */

/**
 * Who a /processes call is for (the user id), set by the Worker on its own request to the agent
 * (clients never reach the agent's routes). A background process is listed, read, signalled and
 * waited on only by the user who started it: members of a session share one Unix uid, not their
 * processes' output.
 */
export const PROCESS_OWNER_HEADER = "x-bf-process-owner";

/** Per stream; what is over it is counted, not kept. */
export const OUTPUT_CAP_DEFAULT = 1024 * 1024;
export const OUTPUT_CAP_MAX = 4 * 1024 * 1024;
/** stdin travels in the JSON body, which the Worker caps at 256 KiB. */
export const STDIN_MAX = 192 * 1024;
export const EXEC_TIMEOUT_DEFAULT_MS = 60_000;
export const EXEC_TIMEOUT_MAX_MS = 900_000;
/** The text appended to a capped stream in JSON answers (the `truncated` flags say the same). */
export const truncationMarker = (omitted: number) => `\n[burstflare: output truncated, ${omitted} more bytes not shown]\n`;

/** What to run and where; the API's exec body narrows `cwd` and `env` (sdk/schemas/automation.ts). */
export const commandFields = {
  /** Run without a shell: argv[0] is looked up on PATH. */
  argv: z.array(z.string().max(16_000)).min(1).max(1024).optional(),
  /** Run through the login shell (`bash -lc`), pipes and globs included. */
  command: z.string().min(1).max(16_000).optional(),
  /** Relative to the workspace root; must stay inside it. */
  cwd: z.string().max(1024).optional(),
  env: z.record(z.string(), z.string()).default({}),
};

/** A command object that names exactly one of `argv` and `command`. */
export const oneCommandObject = <T extends z.ZodRawShape & Pick<typeof commandFields, "argv" | "command">>(shape: T) =>
  z.object(shape).refine((b: { argv?: unknown; command?: unknown }) => (b.argv === undefined) !== (b.command === undefined), {
    message: "give exactly one of argv and command",
  });

/** How long a run may take, what it reads and how much of its output is kept: the same for the agent and the API. */
export const runLimitFields = {
  timeoutMs: z.number().int().min(1).max(EXEC_TIMEOUT_MAX_MS).default(EXEC_TIMEOUT_DEFAULT_MS),
  stdin: z.string().max(STDIN_MAX).optional(),
  /** Per stream; output past it is counted and dropped, and the answer says so. */
  maxOutputBytes: z.number().int().min(0).max(OUTPUT_CAP_MAX).default(OUTPUT_CAP_DEFAULT),
};

export const runBody = oneCommandObject({ ...commandFields, ...runLimitFields });
export type RunBody = z.infer<typeof runBody>;

export const runExit = z.object({
  type: z.literal("exit"),
  /** null when a signal ended it (a timeout is SIGKILL). */
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number(),
  /** Bytes the command wrote, kept or not. */
  bytes: z.object({ stdout: z.number(), stderr: z.number() }),
  truncated: z.object({ stdout: z.boolean(), stderr: z.boolean() }),
});
export type RunExit = z.infer<typeof runExit>;

export const runEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("stdout"), data: z.string() }),
  z.object({ type: z.literal("stderr"), data: z.string() }),
  /** Once per stream, when it goes over the cap; nothing more of it is sent. */
  z.object({ type: z.literal("truncated"), stream: z.enum(["stdout", "stderr"]), limit: z.number() }),
  runExit,
]);
export type RunEvent = z.infer<typeof runEvent>;

export const startProcessBody = oneCommandObject(commandFields);
export type StartProcessBody = z.infer<typeof startProcessBody>;

export const processInfo = z.object({
  id: z.string(),
  pid: z.number().int().nullable(),
  /** What was asked for: the shell command, or the argv joined with spaces. */
  command: z.string(),
  cwd: z.string(),
  state: z.enum(["running", "exited"]),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  /** Bytes of output (stdout and stderr interleaved) written so far. */
  outputBytes: z.number(),
});
export type ProcessInfo = z.infer<typeof processInfo>;
export const processList = z.object({ processes: z.array(processInfo) });

export const processOutput = z.object({
  /** Output from `offset` (UTF-8, invalid sequences replaced). */
  data: z.string(),
  /** Where `data` starts: above the asked offset when older output was dropped. */
  offset: z.number(),
  nextOffset: z.number(),
  /** Output before this offset is no longer kept (the agent keeps the last PROCESS_OUTPUT_KEEP bytes). */
  droppedBefore: z.number(),
  state: z.enum(["running", "exited"]),
  exitCode: z.number().int().nullable(),
});
export type ProcessOutput = z.infer<typeof processOutput>;

export const PROCESS_OUTPUT_KEEP = 1024 * 1024;
export const PROCESSES_MAX = 64;
export const PROCESS_WAIT_MAX_MS = 60_000;

export const SIGNALS = ["SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP", "SIGCONT"] as const;
export const signalBody = z.object({ signal: z.enum(SIGNALS).default("SIGTERM") });
export const processIdSchema = z.string().regex(/^prc_[A-Za-z0-9_-]{6,40}$/, { message: "not a process id" });
