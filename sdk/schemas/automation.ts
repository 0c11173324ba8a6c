import { z } from "zod";
import {
  commandFields as agentCommandFields,
  oneCommandObject,
  PROCESS_WAIT_MAX_MS,
  processInfo,
  processList,
  processOutput,
  runLimitFields,
  signalBody,
} from "../protocol/automation";
import { envNameProblem, envValueSchema } from "../reserved-env";
import { trimmedText } from "./common";
import { sessionNameSchema, sessionSchema } from "./sessions";

/** Variables for one command: the session env rules (sdk/reserved-env.ts) apply, a refused name is 400 validation_failed. */
export const execEnvSchema = z.record(z.string(), envValueSchema).superRefine((env, ctx) => {
  for (const name of Object.keys(env)) {
    const problem = envNameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem, path: [name] });
  }
});

/** The agent's command fields, with the session env rules and no empty `cwd`; `env` is optional here (the agent defaults it). */
const commandFields = {
  ...agentCommandFields,
  cwd: z.string().min(1).max(1024).optional(),
  env: execEnvSchema.optional(),
};

/** POST /api/sessions/:sessionId/exec */
export const execBodySchema = oneCommandObject({
  ...commandFields,
  ...runLimitFields,
  /** Answer with Server-Sent Events (`stdout`, `stderr`, `truncated`, `exit`) instead of one JSON object. */
  stream: z.boolean().default(false),
});
export type ExecBody = z.input<typeof execBodySchema>;

export const execResultSchema = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  /** Ends with the truncation marker when `truncated.stdout` is set. */
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.object({ stdout: z.boolean(), stderr: z.boolean() }),
  bytes: z.object({ stdout: z.number(), stderr: z.number() }),
  durationMs: z.number(),
});
export type ExecResult = z.infer<typeof execResultSchema>;

/** POST /api/sessions/:sessionId/processes */
export const startProcessSchema = oneCommandObject(commandFields);
export type StartProcess = z.input<typeof startProcessSchema>;
export { processInfo as processInfoSchema, processList as processListSchema, processOutput as processOutputSchema };
export const processOutputQuery = z.object({ offset: z.coerce.number().int().min(0).default(0) });
export const processWaitQuery = z.object({ timeoutMs: z.coerce.number().int().min(0).max(PROCESS_WAIT_MAX_MS).default(30_000) });
export const processSignalBody = signalBody;

/** POST /api/sessions/:sessionId/fork */
export const forkBodySchema = z.object({ name: sessionNameSchema });
export const forkResponseSchema = z.object({ session: sessionSchema, snapshotId: z.string(), durationMs: z.number() });

/** What a scoped API token may do: run commands and processes, or use the file API. */
export const TOKEN_SCOPES = ["exec", "files"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** POST /api/scoped-tokens: an API token for automation, bound to the workspace and optionally one session. */
export const scopedTokenBody = z.object({
  name: trimmedText(64),
  sessionId: z.string().min(1).max(64).optional(),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(TOKEN_SCOPES.length),
  /** Required: a scoped token always expires (at most 30 days). */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600),
});
export type ScopedTokenBody = z.infer<typeof scopedTokenBody>;
export const scopedTokenResponse = z.object({
  id: z.string(),
  token: z.string(),
  workspaceId: z.string(),
  sessionId: z.string().nullable(),
  scopes: z.array(z.enum(TOKEN_SCOPES)),
  expiresAt: z.number(),
});
export type ScopedToken = z.infer<typeof scopedTokenResponse>;

/** The file API for programs: /api/sessions/:sessionId/files/{batch,archive,watch} (sdk/protocol/files.ts). */
export {
  type ArchiveUploadResult,
  archiveQuery,
  archiveUploadResult,
  type FileOp,
  type FileOpResult,
  type FilesBatchBody,
  type FilesBatchResult,
  filesBatchBody,
  filesBatchResult,
  type WatchEvent,
  watchEvent,
  watchQuery,
} from "../protocol/files";
