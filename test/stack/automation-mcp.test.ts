import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { api, baseURL, createSession, expectOK } from "./helpers/api";
import { FLARE_BIN, flareHome } from "./helpers/flare";
import { createStackUser } from "./helpers/users";

type TextResult = { content: { type: string; text: string }[]; isError?: boolean };
const json = (r: unknown) => JSON.parse((r as TextResult).content[0]?.text ?? "null");

let client: Client | null = null;
afterEach(async () => {
  await client?.close();
  client = null;
});

describe("MCP: flare mcp (stdio) and /api/mcp (HTTP)", () => {
  it("lists tools, creates a session, execs, writes and reads a file back, with the official client", async () => {
    const user = await createStackUser();
    const { token } = (await expectOK(await api(user, "POST /api/auth/tokens", { body: { name: "mcp" } }))) as { token: string };
    const home = flareHome();
    const transport = new StdioClientTransport({
      command: "node",
      args: [FLARE_BIN, "mcp"],
      env: { ...home.env, BURSTFLARE_TOKEN: token },
      stderr: "pipe",
    });
    client = new Client({ name: "stack-test", version: "1.0.0" });
    await client.connect(transport);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "create_session",
        "delete_file",
        "exec",
        "fork",
        "list_files",
        "list_templates",
        "move_file",
        "read_file",
        "snapshot",
        "start_session",
        "stat_file",
        "stop_session",
        "write_file",
      ].sort(),
    );
    const templates = json(await client.callTool({ name: "list_templates", arguments: {} }));
    expect(Array.isArray(templates.templates)).toBe(true);

    const session = json(await client.callTool({ name: "create_session", arguments: { name: "mcp-box" } }));
    expect(session).toMatchObject({ name: "mcp-box", state: "running" });
    const ran = json(await client.callTool({ name: "exec", arguments: { sessionId: session.id, command: "echo from-mcp; uname -s" } }));
    expect(ran).toMatchObject({ exitCode: 0, stdout: "from-mcp\nLinux\n" });
    await client.callTool({ name: "write_file", arguments: { sessionId: session.id, path: "notes/todo.md", content: "- [ ] ship\n" } });
    const read = json(await client.callTool({ name: "read_file", arguments: { sessionId: session.id, path: "notes/todo.md" } }));
    expect(read.content).toBe("- [ ] ship\n");
    const viaShell = json(await client.callTool({ name: "exec", arguments: { sessionId: session.id, command: "cat notes/todo.md" } }));
    expect(viaShell.stdout).toBe("- [ ] ship\n");
    const mcp = client;
    const call = async (name: string, args: Record<string, unknown>) =>
      json(await mcp.callTool({ name, arguments: { sessionId: session.id, ...args } }));
    expect((await call("list_files", { path: "notes" })).entries.map((e: { path: string }) => e.path)).toEqual(["notes/todo.md"]);
    expect(await call("move_file", { from: "notes/todo.md", to: "notes/done.md" })).toMatchObject({ path: "notes/done.md" });
    expect(await call("stat_file", { path: "notes/done.md" })).toMatchObject({ type: "file", size: 11 });
    await call("delete_file", { path: "notes" });
    const gone = (await client.callTool({ name: "stat_file", arguments: { sessionId: session.id, path: "notes" } })) as TextResult;
    expect(gone.isError).toBe(true);
    expect(json(gone).error.code).toBe("not_found");

    // Errors are tool errors with the API's code, not protocol failures.
    const bad = (await client.callTool({ name: "exec", arguments: { sessionId: "ses_nosuchsession00", command: "true" } })) as TextResult;
    expect(bad.isError).toBe(true);
    expect(json(bad).error.code).toBe("not_found");
    const stopped = json(await client.callTool({ name: "stop_session", arguments: { sessionId: session.id } }));
    expect(stopped.state).toBe("stopped");
  });

  it("serves the same tools over HTTP at /api/mcp, within a scoped token's limits", async () => {
    const user = await createStackUser();
    const mine = await createSession(user, { name: "mcp-http" });
    const other = await createSession(user, { name: "mcp-other", start: false });
    const scoped = (await expectOK(
      await api(user, "POST /api/scoped-tokens", {
        body: { name: "mcp", sessionId: mine.id, scopes: ["exec", "files"], expiresInSeconds: 600 },
      }),
      201,
    )) as { token: string };
    const transport = new StreamableHTTPClientTransport(new URL(`${baseURL()}/api/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${scoped.token}` } },
    });
    client = new Client({ name: "stack-test-http", version: "1.0.0" });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("exec");
    const ran = json(await client.callTool({ name: "exec", arguments: { sessionId: mine.id, command: "echo over-http" } }));
    expect(ran).toMatchObject({ exitCode: 0, stdout: "over-http\n" });
    await client.callTool({ name: "write_file", arguments: { sessionId: mine.id, path: "http.txt", content: "via /api/mcp\n" } });
    expect(json(await client.callTool({ name: "read_file", arguments: { sessionId: mine.id, path: "http.txt" } })).content).toBe(
      "via /api/mcp\n",
    );
    // The token's limits hold inside the tools: another session, or a route outside exec/files, is 403.
    const elsewhere = (await client.callTool({ name: "exec", arguments: { sessionId: other.id, command: "true" } })) as TextResult;
    expect(elsewhere.isError).toBe(true);
    expect(json(elsewhere).error.code).toBe("token_not_allowed");
    const templates = (await client.callTool({ name: "list_templates", arguments: {} })) as TextResult;
    expect(json(templates).error.code).toBe("token_not_allowed");
    // No credential, no MCP.
    const anonymous = await api(null, "POST /api/mcp", { body: {} });
    expect(anonymous.status).toBe(401);
  });
});
