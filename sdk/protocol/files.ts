import { z } from "zod";
import { fileEntry } from "./agent";

/**
 * The file API for programs (docs/automation.md): bulk operations, directories as tar streams,
 * and watch events, shared by the agent (runtime/src/agent/files/), the Worker
 * (api/src/automation/routes/files.ts) and the SDK. Every path is relative to the workspace root
 * and goes through the agent's WorkspacePaths (no `..`, no way out through a symlink).
 *
 *   POST /files/batch          FilesBatchBody → FilesBatchResult (one result per op, in order)
 *   GET  /files/archive?path=  → tar.gz of the directory (symlinks stored as links, never followed)
 *   PUT  /files/archive?path=  tar or tar.gz → ArchiveUploadResult; checked entry by entry, merged over the directory
 *   GET  /files/watch?path=&timeoutMs= → SSE: `ready`, then `create`/`modify`/`delete` (WatchEvent) in order, `end`
 */

/** Ops per batch; the Worker's 256 KiB JSON body limit bounds what writes can carry. */
export const BATCH_OPS_MAX = 100;
/** Largest file a batch `read` returns (larger: read it with GET /runtime/sessions/:sessionId/files/content). */
export const BATCH_READ_MAX = 1024 * 1024;
/** All reads of one batch together. */
export const BATCH_READ_TOTAL_MAX = 8 * 1024 * 1024;
/** Entries a recursive `list` returns at most (`truncated` says when there were more). */
export const LIST_ENTRIES_MAX = 10_000;
/** Upload body (compressed) and what it may unpack to. */
export const ARCHIVE_UPLOAD_MAX = 512 * 1024 * 1024;
export const ARCHIVE_UNPACKED_MAX = 1024 * 1024 * 1024;
export const ARCHIVE_ENTRIES_MAX = 100_000;
/** Watches open at once on one runtime; one more is 429 rate_limited. */
export const WATCHERS_MAX = 8;
export const WATCH_TIMEOUT_DEFAULT_MS = 10 * 60_000;
export const WATCH_TIMEOUT_MAX_MS = 60 * 60_000;

const filePath = z.string().max(1024);
const encoding = z.enum(["utf8", "base64"]).default("utf8");

export const fileOp = z.discriminatedUnion("op", [
  z.object({ op: z.literal("read"), path: filePath.min(1), encoding }),
  z.object({ op: z.literal("write"), path: filePath.min(1), content: z.string(), encoding }),
  z.object({ op: z.literal("list"), path: filePath.default(""), recursive: z.boolean().default(false) }),
  z.object({ op: z.literal("stat"), path: filePath }),
  z.object({ op: z.literal("mkdir"), path: filePath.min(1) }),
  z.object({ op: z.literal("delete"), path: filePath.min(1) }),
  z.object({ op: z.literal("move"), from: filePath.min(1), to: filePath.min(1) }),
]);
export type FileOp = z.input<typeof fileOp>;

export const filesBatchBody = z.object({ ops: z.array(fileOp).min(1).max(BATCH_OPS_MAX) });
export type FilesBatchBody = z.input<typeof filesBatchBody>;

/** One op's outcome; ops are independent, a failed one does not stop the rest. */
export const fileOpResult = z.object({
  ok: z.boolean(),
  /** write, mkdir, move, stat: the entry afterwards (stat does not follow a final symlink). */
  entry: fileEntry.optional(),
  /** list: sorted, directories first (recursive: depth first, symlinks not followed). */
  entries: z.array(fileEntry).optional(),
  truncated: z.boolean().optional(),
  /** read */
  content: z.string().optional(),
  encoding: z.enum(["utf8", "base64"]).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type FileOpResult = z.infer<typeof fileOpResult>;
export const filesBatchResult = z.object({ results: z.array(fileOpResult) });
export type FilesBatchResult = z.infer<typeof filesBatchResult>;

export const archiveQuery = z.object({ path: filePath.default("") });
export const archiveUploadResult = z.object({ path: z.string(), files: z.number(), bytes: z.number() });
export type ArchiveUploadResult = z.infer<typeof archiveUploadResult>;

export const watchQuery = z.object({
  path: filePath.default(""),
  timeoutMs: z.coerce.number().int().min(1000).max(WATCH_TIMEOUT_MAX_MS).default(WATCH_TIMEOUT_DEFAULT_MS),
});

export const watchEvent = z.object({
  type: z.enum(["create", "modify", "delete"]),
  /** Relative to the workspace root. */
  path: z.string(),
  /** What is there now (null after a delete). */
  entryType: z.enum(["file", "directory", "symlink"]).nullable(),
  /** Counts from 1 on each watch; events are sent in this order. */
  seq: z.number(),
});
export type WatchEvent = z.infer<typeof watchEvent>;
