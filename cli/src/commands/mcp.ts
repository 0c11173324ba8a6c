import { BurstFlare } from "@burstflare/sdk/automation-client";
import { createMcpServer } from "@burstflare/sdk/mcp/server";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { examples } from "../app";
import type { FlareCommand } from "../flare-command";

/** `flare mcp`: the Model Context Protocol over stdio, until the client closes stdin. */
export function registerMcp(program: FlareCommand): void {
  program
    .command("mcp")
    .description("Serve the Model Context Protocol over stdio: BurstFlare sessions as tools for coding agents")
    .addHelpText(
      "after",
      examples(
        "BURSTFLARE_TOKEN=bfp_… flare mcp",
        'claude mcp add burstflare -- flare mcp   # or any MCP client: command "flare", args ["mcp"]',
      ),
    )
    .run(async (ctx) => {
      const server = createMcpServer(new BurstFlare({ client: ctx.client }));
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        process.stdin.once("end", () => resolve());
      });
      await server.connect(transport);
      await closed;
      await server.close();
    });
}
