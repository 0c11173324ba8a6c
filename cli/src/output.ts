import { NetworkError } from "@burstflare/sdk/client";
import { ApiError, type ErrorCode } from "@burstflare/sdk/errors";
import { terminalJSON, terminalSafe } from "./terminal-text";

/** Exit codes: 0 ok, 1 the operation failed, 2 the command line was wrong. `flare ssh` passes ssh's own. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A failure the CLI itself detects, with the same {code, message} shape the API uses. */
export class CLIError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  constructor(code: string, message: string, opts: { hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = "CLIError";
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT.failed;
  }
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

interface ErrorView {
  code: string;
  message: string;
  hint?: string;
}

/** Every error as {code, message} plus the fix to suggest; unknown throwables become `internal`. */
export function describeError(err: unknown, ctx: { baseURL: string; usingEnvToken: boolean }): ErrorView {
  // A CLI error without a fix of its own takes the one its API code has (not_found, validation_failed…).
  if (err instanceof CLIError) return { code: err.code, message: err.message, hint: err.hint ?? hintFor(err.code, ctx) };
  if (err instanceof NetworkError) {
    return {
      code: err.code,
      message: err.message,
      hint: `is BurstFlare running at ${ctx.baseURL}? Start it with \`npm run dev\`, or point at another server with --url or BURSTFLARE_URL`,
    };
  }
  if (err instanceof ApiError) return { code: err.code, message: err.message, hint: hintFor(err.code, ctx) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: "internal", message };
}

interface HintContext {
  usingEnvToken: boolean;
}

const signInAgain = (ctx: HintContext) =>
  ctx.usingEnvToken
    ? "BURSTFLARE_TOKEN was refused: create a new API token, or unset it and run `flare auth login`"
    : "run `flare auth login`";

/**
 * The fix line for every code the API can answer with: a Record over the codes, so a new code
 * cannot ship without one. Each names the real cause's remedy, never a neighbouring one.
 */
const HINTS: Record<ErrorCode, (ctx: HintContext) => string> = {
  bad_request: () => "check the command's arguments (`flare <command> --help` shows them)",
  validation_failed: () => "fix the value the message names (`flare <command> --help` shows the accepted forms)",
  payload_too_large: () => "the upload is larger than the server accepts; make it smaller (leave out build output and dependencies)",
  unauthorized: signInAgain,
  token_reused: signInAgain,
  csrf_failed: () => "sign in again with `flare auth login` (the CLI does not use browser cookies)",
  forbidden: () => "your role in this workspace does not allow it; ask an owner or admin, or `flare workspace switch` to another workspace",
  token_not_allowed: (ctx) =>
    ctx.usingEnvToken
      ? "this API token may not do that (the message says why): use a token that may, or unset BURSTFLARE_TOKEN and run `flare auth login`"
      : "this needs a person's sign-in: run `flare auth login` (or do it in the web app)",
  signup_closed: () => "this server takes new accounts by invitation only: ask a workspace owner or an operator for an invite",
  quota_exceeded: () =>
    "stop, delete or revoke something first (the message names the limit); an operator can raise a workspace quota, not a fixed limit",
  turnstile_failed: () => "the human check failed: finish signing up in the web app",
  not_found: () => "check the name or id (the `list` command of the same group shows what you can see)",
  conflict: () => "something with that name or in that state already exists; pick another name or use the existing one",
  invalid_state: () => "check the current state with `flare session status <session>`",
  gone: () => "it was deleted or has expired: ask for a new invite or link, or `flare admin restore` if you are an operator",
  unsafe_archive: () => "the archive holds paths outside its root, hard links or device files; pack it again from a plain folder",
  checksum_mismatch: () => "the upload was damaged on the way; run the command again",
  challenge_invalid: () => "the sign-in took too long or was already used; run `flare auth login` again",
  authorization_pending: () => "approve the sign-in in your browser, then the CLI goes on by itself",
  slow_down: () => "wait a few seconds; the CLI polls less often by itself",
  expired_token: () => "run `flare auth login` again",
  access_denied: () => "the sign-in was denied in the browser; run `flare auth login` again",
  rate_limited: () => "wait a moment and try again",
  runtime_unavailable: () => "the runtime did not answer; try again, and run `flare doctor` if it persists",
  internal: () => "a server error: try again, and report it with the time and command if it persists",
};

function hintFor(code: string, ctx: HintContext): string | undefined {
  return code in HINTS ? HINTS[code as ErrorCode](ctx) : undefined;
}

/** What a command prints: human text or, with --json, one JSON document on stdout. */
export class Output {
  readonly json: boolean;
  readonly streams: Streams;

  constructor(streams: Streams, json: boolean) {
    this.streams = streams;
    this.json = json;
  }

  /** The command's result: `data` as JSON with --json, else what `human` renders. */
  result(data: unknown, human: () => string | undefined): void {
    if (this.json) {
      this.streams.stdout.write(`${terminalJSON(data, 2)}\n`);
      return;
    }
    const text = human();
    if (text) this.streams.stdout.write(terminalSafe(text.endsWith("\n") ? text : `${text}\n`));
  }

  /** One line of a streaming result (NDJSON with --json). */
  event(data: unknown, human: () => string | undefined): void {
    if (this.json) {
      this.streams.stdout.write(`${terminalJSON(data)}\n`);
      return;
    }
    const text = human();
    if (text !== undefined) this.streams.stdout.write(terminalSafe(text.endsWith("\n") ? text : `${text}\n`));
  }

  /** Human-only notes on stderr (never mixed into --json stdout). */
  note(text: string): void {
    if (!this.json) this.streams.stderr.write(`${terminalSafe(text)}\n`);
  }

  error(view: ErrorView): void {
    if (this.json) {
      this.streams.stderr.write(`${terminalJSON({ error: { code: view.code, message: view.message } })}\n`);
      return;
    }
    this.streams.stderr.write(`error: ${terminalSafe(view.message)}\n`);
    if (view.hint) this.streams.stderr.write(`  fix: ${terminalSafe(view.hint)}\n`);
  }
}

/**
 * A plain-text table: one header row, columns padded to the widest cell; `labels` maps each row key
 * to its header, in column order. `empty` stands for no rows.
 */
export function table(rows: Record<string, unknown>[], labels: Record<string, string>, empty = "(none)"): string {
  if (rows.length === 0) return empty;
  const columns = Object.entries(labels).map(([key, label]) => ({ key, label }));
  const cell = (v: unknown): string => (v === null || v === undefined ? "-" : terminalSafe(String(v)));
  const widths = columns.map((c) => Math.max(c.label.length, ...rows.map((r) => cell(r[c.key]).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.label.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c.key]))))].join("\n");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
