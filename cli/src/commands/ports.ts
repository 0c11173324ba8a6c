import { sessionPortsResponse } from "@burstflare/sdk/schemas/ports";
import { SHARE_SCOPES } from "@burstflare/sdk/schemas/shares";
import { examples } from "../app";
import { openBrowser } from "../browser";
import type { FlareCommand } from "../flare-command";
import { CLIError, EXIT, table } from "../output";
import { type CreateOptions, collect, createShare } from "./share";

function portArg(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new CLIError("usage", `"${text}" is not a port (1-65535)`, { exitCode: EXIT.usage });
  return n;
}

export function registerPorts(program: FlareCommand): void {
  const ports = program.command("ports").alias("port").description("TCP ports listening in a session");

  ports
    .sessionCommand("ls", "List the ports listening in a running session, with the template's labels")
    .alias("list")
    .addHelpText("after", examples("flare ports ls dev", "flare --json ports ls dev | jq '.ports[] | select(.listening)'"))
    .runWithSession(async (ctx, s) => {
      const data = await ctx.client.call("GET /api/sessions/{sessionId}/ports", {
        params: { sessionId: s.id },
        schema: sessionPortsResponse,
      });
      const rows = data.ports.map((p) => ({
        ...p,
        label: p.label ?? "",
        state: p.listening ? `listening on ${p.addresses.join(", ")}` : "not listening",
        preview: p.preview ? "preview" : "",
      }));
      ctx.out.result(data, () =>
        table(rows, { port: "port", label: "label", state: "state", preview: "" }, `nothing listens in ${s.name} yet`),
      );
    });

  ports
    .sessionCommand("open", "Open one port of the session privately in your browser (on its own origin)")
    .argument("<port>", "the port", portArg)
    .option("--no-browser", "only print the URL")
    .addHelpText("after", examples("flare ports open dev 5173"))
    .runWithSession(async (ctx, s, port: number, opts: { browser: boolean }) => {
      // The app-origin route checks the browser's own sign-in, then frames the port's host.
      const url = `${ctx.baseURL}/runtime/sessions/${encodeURIComponent(s.id)}/ports/${port}`;
      const opened = opts.browser && !ctx.out.json ? openBrowser(url) : false;
      ctx.out.result({ url, port, opened }, () => url);
    });

  ports
    .sessionCommand("share", "Make a share link to one port: the workspace, named people or anyone (shown once)")
    .argument("<port>", "the port", portArg)
    .option("-s, --scope <scope>", `who may open it: ${SHARE_SCOPES.join(" | ")}`, "workspace")
    .option("-e, --email <email>", "an invited person (scope people; repeat for more)", collect, [])
    .option("--expires <duration>", "how long it works: 30m, 1h, 7d (at most 30d)", "1d")
    .option("-l, --label <text>", "a note to recognise it by")
    .addHelpText("after", examples("flare ports share dev 5173", "flare ports share dev 8080 --scope anyone --expires 1h"))
    .run(async (ctx, ref: string, port: number, opts: CreateOptions) => {
      const data = await createShare(ctx, ref, opts, port);
      ctx.out.result(data, () => `${data.url}\n${data.share.id}: port ${port}, ${data.share.scope}, until ${data.share.expiresAt}`);
    });
}
