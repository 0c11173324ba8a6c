import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { ApiError, type BurstFlare, type ErrorCode } from "../automation-client";
import { API_VERSION } from "../version";

type ToolResult = { content: { type: "text"; text: string }[]; isError?: boolean };

/** Every tool answers JSON text; a failure is an MCP tool error carrying the API's code. */
async function answer(fn: () => Promise<unknown>): Promise<ToolResult> {
  try {
    return { content: [{ type: "text", text: JSON.stringify(await fn(), null, 2) }] };
  } catch (err) {
    const code = err instanceof ApiError ? err.code : ((err as { code?: string }).code ?? "internal");
    const message = err instanceof Error ? err.message : String(err);
    return { content: [{ type: "text", text: JSON.stringify({ error: { code, message } }) }], isError: true };
  }
}

const sessionId = z.string().min(1).max(64).describe("the session's id (ses_…)");

/**
 * The Model Context Protocol server behind `flare mcp` (stdio) and /api/mcp (HTTP): BurstFlare sessions as tools for an
 * agent, through the automation SDK (sdk/automation-client.ts) and the caller's credentials.
 */
export function createMcpServer(bf: BurstFlare): McpServer {
  const server = new McpServer({ name: "burstflare", version: API_VERSION });

  server.registerTool("list_templates", { description: "Templates of the current workspace that sessions can be created from" }, () =>
    answer(async () => ({ templates: (await bf.templates.list()).map((t) => ({ id: t.id, name: t.name })) })),
  );
  server.registerTool(
    "create_session",
    {
      description: "Create a session (a sandboxed Linux workspace) and start it; without templateId the built-in starter is used",
      inputSchema: { name: z.string().describe("lowercase letters, digits and dashes"), templateId: z.string().optional() },
    },
    ({ name, templateId }) => answer(async () => (await bf.sessions.create({ name, templateId })).info),
  );
  server.registerTool("start_session", { description: "Start a stopped session", inputSchema: { sessionId } }, ({ sessionId: id }) =>
    answer(() => bf.sessions.attach(id).start()),
  );
  server.registerTool(
    "stop_session",
    { description: "Stop a session (its persisted paths are snapshotted first)", inputSchema: { sessionId } },
    ({ sessionId: id }) => answer(() => bf.sessions.attach(id).stop()),
  );
  server.registerTool(
    "exec",
    {
      description: "Run a shell command in the session's workspace and return exitCode, stdout and stderr (each capped at 1 MiB)",
      inputSchema: {
        sessionId,
        command: z.string().min(1).describe("run through bash -lc"),
        cwd: z.string().optional().describe("relative to the workspace root"),
        timeoutMs: z.number().int().min(1).max(900_000).optional(),
        stdin: z.string().optional(),
      },
    },
    ({ sessionId: id, command, ...opts }) => answer(() => bf.sessions.attach(id).exec(command, opts)),
  );
  server.registerTool(
    "read_file",
    { description: "Read a text file of the session's workspace", inputSchema: { sessionId, path: z.string().min(1) } },
    ({ sessionId: id, path }) => answer(async () => ({ path, content: await bf.sessions.attach(id).files.readText(path) })),
  );
  server.registerTool(
    "write_file",
    {
      description: "Create or replace a file of the session's workspace (parent folders are created)",
      inputSchema: { sessionId, path: z.string().min(1), content: z.string() },
    },
    ({ sessionId: id, path, content }) => answer(() => bf.sessions.attach(id).files.write(path, content)),
  );
  server.registerTool(
    "list_files",
    {
      description: "List a directory of the session's workspace (recursive: the whole tree, up to 10 000 entries)",
      inputSchema: { sessionId, path: z.string().max(1024).default(""), recursive: z.boolean().default(false) },
    },
    ({ sessionId: id, path, recursive }) =>
      answer(async () => {
        const [result] = await bf.sessions.attach(id).files.batch([{ op: "list", path, recursive }]);
        if (!result?.ok) throw new ApiError((result?.error?.code ?? "internal") as ErrorCode, result?.error?.message ?? "list failed");
        return { entries: result.entries, truncated: result.truncated ?? false };
      }),
  );
  server.registerTool(
    "stat_file",
    { description: "Type, size and mtime of a workspace path (a symlink is not followed)", inputSchema: { sessionId, path: z.string() } },
    ({ sessionId: id, path }) => answer(() => bf.sessions.attach(id).files.stat(path)),
  );
  server.registerTool(
    "delete_file",
    { description: "Delete a file or a whole directory of the session's workspace", inputSchema: { sessionId, path: z.string().min(1) } },
    ({ sessionId: id, path }) =>
      answer(async () => {
        await bf.sessions.attach(id).files.remove(path);
        return { deleted: path };
      }),
  );
  server.registerTool(
    "move_file",
    {
      description: "Move or rename a file or directory of the session's workspace (the target must not exist)",
      inputSchema: { sessionId, from: z.string().min(1), to: z.string().min(1) },
    },
    ({ sessionId: id, from, to }) => answer(() => bf.sessions.attach(id).files.move(from, to)),
  );
  server.registerTool(
    "snapshot",
    { description: "Snapshot a running session's persisted paths", inputSchema: { sessionId, label: z.string().max(120).optional() } },
    ({ sessionId: id, label }) => answer(() => bf.sessions.attach(id).snapshot(label)),
  );
  server.registerTool(
    "fork",
    {
      description: "Fork a running session: snapshot it now and start a new session from that state, to try a branch of work in parallel",
      inputSchema: { sessionId, name: z.string().describe("the new session's name") },
    },
    ({ sessionId: id, name }) => answer(async () => (await bf.sessions.attach(id).fork(name)).info),
  );
  return server;
}
