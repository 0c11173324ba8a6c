import type { Command } from "commander";
import { path } from "../../../sdk/client";
import { sessionPortsResponse } from "../../../sdk/schemas/ports";
import { type App, examples } from "../app";
import { table } from "../output";
import { resolveSession } from "../sessions";

export function registerPorts(program: Command, app: App): void {
  const ports = program.command("ports").alias("port").description("TCP ports listening in a session");

  ports
    .command("ls")
    .alias("list")
    .description("List the ports listening in a running session, with the template's labels")
    .argument("<session>", "session id or name")
    .addHelpText("after", examples("flare ports ls dev", "flare --json ports ls dev | jq '.ports[] | select(.listening)'"))
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const s = await resolveSession(ctx.client, ref);
      const data = await ctx.client.get(path`/api/sessions/${s.id}/ports`, { schema: sessionPortsResponse });
      ctx.out.result(data, () =>
        data.ports.length === 0
          ? `nothing listens in ${s.name} yet`
          : table(
              data.ports.map((p) => ({
                ...p,
                label: p.label ?? "",
                state: p.listening ? `listening on ${p.addresses.join(", ")}` : "not listening",
                preview: p.preview ? "preview" : "",
              })),
              [
                { key: "port", label: "port" },
                { key: "label", label: "label" },
                { key: "state", label: "state" },
                { key: "preview", label: "" },
              ],
            ),
      );
    });
}
