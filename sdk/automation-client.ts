import { ApiClient, path } from "./client";
import { ApiError, type ErrorCode } from "./errors";
import type { FileEntry } from "./protocol/agent";
import type { ProcessInfo, ProcessOutput, RunEvent } from "./protocol/automation";
import {
  type ArchiveUploadResult,
  archiveUploadResult,
  type ExecBody,
  type ExecResult,
  execResultSchema,
  type FileOp,
  type FileOpResult,
  filesBatchResult,
  forkResponseSchema,
  processInfoSchema,
  processListSchema,
  processOutputSchema,
  type ScopedToken,
  type StartProcess,
  scopedTokenResponse,
  type TokenScope,
  type WatchEvent,
} from "./schemas/automation";
import { type Session, sessionDetailResponse, sessionResponse } from "./schemas/sessions";
import { type Snapshot, snapshotSchema } from "./schemas/snapshots";
import { type Template, templateListSchema } from "./schemas/templates";

export type {
  ArchiveUploadResult,
  ExecResult,
  FileEntry,
  FileOp,
  FileOpResult,
  ProcessInfo,
  ProcessOutput,
  ScopedToken,
  Session,
  Snapshot,
  Template,
  TokenScope,
  WatchEvent,
};
/**
 * The automation SDK (docs/automation.md): sessions as programmable sandboxes, on top of the
 * typed ApiClient. Every failure is an ApiError with the server's `code` (sdk/errors.ts), or a
 * NetworkError when the server cannot be reached.
 *
 *   const bf = new BurstFlare({ baseURL, token });
 *   const s = await bf.sessions.create({ name: "agent-1" });
 *   const { exitCode, stdout } = await s.exec("npm test");
 *   for await (const event of s.execStream("npm run build")) …
 */
export { ApiError, type ErrorCode };

export type BurstFlareOptions =
  | {
      baseURL: string;
      /** An API token (`bfp_…`, scoped or not) or a CLI access token. */
      token: string;
      fetch?: typeof fetch;
    }
  /** An ApiClient that already knows its credentials (the CLI's, with refresh). */
  | { client: ApiClient };

/** Options of one command; `command` is a shell string or an argv array. */
export type ExecOptions = Omit<ExecBody, "argv" | "command" | "stream">;
export type ExecStreamEvent = RunEvent;

const commandFields = (command: string | string[]) => (Array.isArray(command) ? { argv: command } : { command });

export class BurstFlare {
  readonly api: ApiClient;
  readonly sessions: {
    create: (body: { name: string; templateId?: string; startOnIntent?: boolean }) => Promise<SandboxSession>;
    /** A handle on an existing session (no request is made). */
    attach: (id: string) => SandboxSession;
    get: (id: string) => Promise<SandboxSession>;
  };
  readonly templates: { list: () => Promise<Template[]> };
  readonly tokens: {
    /** A token limited to exec and/or files of one session (or the workspace), expiring. Needs a sign-in token, not an API token. */
    createScoped: (body: { name: string; sessionId?: string; scopes: TokenScope[]; expiresInSeconds: number }) => Promise<ScopedToken>;
  };

  constructor(opts: BurstFlareOptions) {
    this.api =
      "client" in opts
        ? opts.client
        : new ApiClient({ baseURL: opts.baseURL, fetch: opts.fetch, tokens: { getToken: async () => opts.token } });
    this.sessions = {
      create: async (body) => {
        const { session } = await this.api.call("POST /api/sessions", { body, schema: sessionResponse });
        return new SandboxSession(this.api, session);
      },
      attach: (id) => new SandboxSession(this.api, null, id),
      get: async (id) => {
        const { session } = await this.api.call("GET /api/sessions/{sessionId}", {
          params: { sessionId: id },
          schema: sessionDetailResponse,
        });
        return new SandboxSession(this.api, session);
      },
    };
    this.templates = { list: async () => (await this.api.call("GET /api/templates", { schema: templateListSchema })).templates };
    this.tokens = { createScoped: (body) => this.api.call("POST /api/scoped-tokens", { body, schema: scopedTokenResponse }) };
  }
}

export class SandboxSession {
  readonly id: string;
  /** The session as last seen (null for a handle from attach()). */
  info: Session | null;
  readonly files: SessionFiles;
  readonly processes: SessionProcesses;

  constructor(
    private readonly api: ApiClient,
    info: Session | null,
    id = info?.id ?? "",
  ) {
    this.id = id;
    this.info = info;
    this.files = new SessionFiles(api, id);
    this.processes = new SessionProcesses(api, id);
  }

  /** Runs a command to its end and returns its exit and output (capped; see `truncated`). */
  exec(command: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.api.call("POST /api/sessions/{sessionId}/exec", {
      params: { sessionId: this.id },
      body: { ...opts, ...commandFields(command) },
      schema: execResultSchema,
    });
  }

  /** Runs a command and yields its output as it comes (`stdout`, `stderr`, `truncated`), then `exit`. Breaking out of the loop ends the request. */
  async *execStream(command: string | string[], opts: ExecOptions & { signal?: AbortSignal } = {}): AsyncGenerator<ExecStreamEvent> {
    const { signal, ...rest } = opts;
    const res = await this.api.callRaw("POST /api/sessions/{sessionId}/exec", {
      params: { sessionId: this.id },
      body: JSON.stringify({ ...rest, ...commandFields(command), stream: true }),
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      signal,
    });
    if (!res.body) throw new ApiError("runtime_unavailable", "the exec stream has no body");
    yield* sseEvents<ExecStreamEvent>(res.body);
  }

  /** Snapshots the running session now, then creates and starts a new session from it. */
  async fork(name: string): Promise<SandboxSession> {
    const { session } = await this.api.call("POST /api/sessions/{sessionId}/fork", {
      params: { sessionId: this.id },
      body: { name },
      schema: forkResponseSchema,
    });
    return new SandboxSession(this.api, session);
  }

  snapshot(label?: string): Promise<Snapshot> {
    return this.api.call("POST /api/sessions/{sessionId}/snapshots", {
      params: { sessionId: this.id },
      body: label ? { label } : {},
      schema: snapshotSchema,
    });
  }

  async start(): Promise<Session> {
    return this.lifecycle("start");
  }
  async stop(): Promise<Session> {
    return this.lifecycle("stop");
  }
  /** Stops the session (with a final snapshot) and deletes it. */
  async delete(): Promise<Session> {
    const { session } = await this.api.call("DELETE /api/sessions/{sessionId}", {
      params: { sessionId: this.id },
      schema: sessionResponse,
    });
    this.info = session;
    return session;
  }

  private async lifecycle(action: "start" | "stop"): Promise<Session> {
    const { session } = await this.api.call(`POST /api/sessions/{sessionId}/${action}`, {
      params: { sessionId: this.id },
      body: {},
      schema: sessionResponse,
    });
    this.info = session;
    return session;
  }
}

/** The session's file API (`/runtime/sessions/:sessionId/files`), paths relative to the workspace root. */
export class SessionFiles {
  constructor(
    private readonly api: ApiClient,
    private readonly id: string,
  ) {}

  async read(p: string): Promise<Uint8Array> {
    const res = await this.api.raw("GET", path`/runtime/sessions/${this.id}/files/content`, { query: { path: p } });
    return new Uint8Array(await res.arrayBuffer());
  }

  async readText(p: string): Promise<string> {
    return new TextDecoder().decode(await this.read(p));
  }

  /** Creates or replaces the file (and its parent folders). */
  async write(p: string, data: string | Uint8Array): Promise<FileEntry> {
    const res = await this.api.raw("PUT", path`/runtime/sessions/${this.id}/files/content`, {
      query: { path: p },
      body: typeof data === "string" ? data : new Uint8Array(data),
      headers: { "content-type": "application/octet-stream" },
    });
    return (await res.json()) as FileEntry;
  }

  async list(p = "."): Promise<FileEntry[]> {
    const res = await this.api.raw("GET", path`/runtime/sessions/${this.id}/files/tree`, { query: { path: p } });
    return ((await res.json()) as { entries: FileEntry[] }).entries;
  }

  /** Up to 100 ops in order, one result each; a failed op (`ok: false`, `error.code`) does not stop the rest. */
  async batch(ops: FileOp[]): Promise<FileOpResult[]> {
    return (
      await this.api.call("POST /api/sessions/{sessionId}/files/batch", {
        params: { sessionId: this.id },
        body: { ops },
        schema: filesBatchResult,
      })
    ).results;
  }

  /** One op through batch(); its failure is thrown as an ApiError with the op's code. */
  private async one(op: FileOp): Promise<FileOpResult> {
    const [result] = await this.batch([op]);
    if (!result?.ok) throw new ApiError((result?.error?.code ?? "internal") as ErrorCode, result?.error?.message ?? "file op failed");
    return result;
  }
  /** The entry itself (a symlink is reported as one, not followed). */
  async stat(p: string): Promise<FileEntry> {
    return (await this.one({ op: "stat", path: p })).entry as FileEntry;
  }
  async remove(p: string): Promise<void> {
    await this.one({ op: "delete", path: p });
  }
  async move(from: string, to: string): Promise<FileEntry> {
    return (await this.one({ op: "move", from, to })).entry as FileEntry;
  }
  async mkdir(p: string): Promise<FileEntry> {
    return (await this.one({ op: "mkdir", path: p })).entry as FileEntry;
  }

  /** The directory's contents as a tar.gz stream (entries `./…`). */
  async downloadDir(p = ""): Promise<ReadableStream<Uint8Array>> {
    const res = await this.api.callRaw("GET /api/sessions/{sessionId}/files/archive", {
      params: { sessionId: this.id },
      query: { path: p },
    });
    if (!res.body) throw new ApiError("runtime_unavailable", "the archive has no body");
    return res.body;
  }

  /** Merges a tar or tar.gz (bytes or a stream) into the directory, created if missing. Unsafe entries refuse the whole archive (422 unsafe_archive). */
  async uploadDir(p: string, archive: Uint8Array | ReadableStream<Uint8Array>): Promise<ArchiveUploadResult> {
    const res = await this.api.callRaw("PUT /api/sessions/{sessionId}/files/archive", {
      params: { sessionId: this.id },
      query: { path: p },
      body: archive instanceof Uint8Array ? new Uint8Array(archive) : archive,
      headers: { "content-type": "application/gzip" },
      duplex: archive instanceof Uint8Array ? undefined : "half",
    });
    return archiveUploadResult.parse(await res.json());
  }

  /** create/modify/delete events under the directory, in order, until the watch times out or the loop is left (which closes it). */
  async *watch(p = "", opts: { timeoutMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<WatchEvent> {
    const query: Record<string, string | number> = { path: p };
    if (opts.timeoutMs !== undefined) query.timeoutMs = opts.timeoutMs;
    const res = await this.api.callRaw("GET /api/sessions/{sessionId}/files/watch", {
      params: { sessionId: this.id },
      query,
      headers: { accept: "text/event-stream" },
      signal: opts.signal,
    });
    if (!res.body) throw new ApiError("runtime_unavailable", "the watch stream has no body");
    for await (const event of sseEvents<Partial<WatchEvent>>(res.body)) {
      // `ready` and `end` carry no `type`; only file events are yielded.
      if (event.type === "create" || event.type === "modify" || event.type === "delete") yield event as WatchEvent;
    }
  }
}

/** Background processes held by the session's runtime. */
export class SessionProcesses {
  constructor(
    private readonly api: ApiClient,
    private readonly id: string,
  ) {}

  start(command: string | string[], opts: Omit<StartProcess, "argv" | "command"> = {}): Promise<ProcessInfo> {
    return this.api.call("POST /api/sessions/{sessionId}/processes", {
      params: { sessionId: this.id },
      body: { ...opts, ...commandFields(command) },
      schema: processInfoSchema,
    });
  }
  async list(): Promise<ProcessInfo[]> {
    return (await this.api.call("GET /api/sessions/{sessionId}/processes", { params: { sessionId: this.id }, schema: processListSchema }))
      .processes;
  }
  output(processId: string, offset = 0): Promise<ProcessOutput> {
    return this.api.call("GET /api/sessions/{sessionId}/processes/{processId}/output", {
      params: { sessionId: this.id, processId },
      query: { offset },
      schema: processOutputSchema,
    });
  }
  signal(processId: string, signal: "SIGTERM" | "SIGKILL" | "SIGINT" | "SIGHUP" = "SIGTERM"): Promise<ProcessInfo> {
    return this.api.call("POST /api/sessions/{sessionId}/processes/{processId}/signal", {
      params: { sessionId: this.id, processId },
      body: { signal },
      schema: processInfoSchema,
    });
  }
  /** Waits up to timeoutMs (≤ 60 s) for the process to exit; its state says whether it did. */
  wait(processId: string, timeoutMs = 30_000): Promise<ProcessInfo> {
    return this.api.call("POST /api/sessions/{sessionId}/processes/{processId}/wait", {
      params: { sessionId: this.id, processId },
      body: {},
      query: { timeoutMs },
      schema: processInfoSchema,
    });
  }
}

/** Parses a text/event-stream body into the JSON `data` of each event. */
export async function* sseEvents<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let end = buffered.indexOf("\n\n");
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (data) yield JSON.parse(data) as T;
        end = buffered.indexOf("\n\n");
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
