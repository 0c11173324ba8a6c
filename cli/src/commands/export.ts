import { type WorkspaceExport, workspaceExportSchema } from "@burstflare/sdk/schemas/snapshots";
import { examples } from "../app";
import type { Context } from "../context";
import { downloadTo } from "../download";
import type { FlareCommand } from "../flare-command";
import { formatBytes } from "../output";

export function registerExport(program: FlareCommand): void {
  addExportCommand(program, "Export the current workspace's records (owners) and download the JSON document")
    .addHelpText("after", examples("flare export -o backup.json"))
    .run(async (ctx, opts: { output?: string }) => {
      const spinner = ctx.spinner("preparing the export");
      let exported: ReturnType<typeof workspaceExportSchema.parse>;
      try {
        exported = await ctx.client.call("POST /api/workspaces/current/exports", { body: {}, schema: workspaceExportSchema });
        spinner.succeed(`export ${exported.id} ready (${formatBytes(exported.bytes)})`);
      } catch (err) {
        spinner.fail();
        throw err;
      }
      await downloadExport(ctx, exported, opts.output);
    });
}

/** `export` under `group` (`flare export`, `flare admin export`), with the `-o` that downloadExport writes to. */
export function addExportCommand(group: FlareCommand, description: string): FlareCommand {
  return group
    .command("export")
    .description(description)
    .option("-o, --output <file>", "where to write it (default: burstflare-export-<id>.json)");
}

/** Downloads a finished export to `output` (default burstflare-export-<id>.json) and checks it against its sha256. */
export async function downloadExport(ctx: Context, exported: WorkspaceExport, output: string | undefined): Promise<void> {
  const file = output ?? `burstflare-export-${exported.id}.json`;
  const res = await ctx.client.raw("GET", exported.downloadURL);
  const { bytes, sha256 } = await downloadTo(res, file, ctx.streams.stderr, ctx.out.json);
  if (sha256 !== exported.sha256) {
    throw new Error(`the download of ${exported.id} is corrupt (sha256 ${sha256}, expected ${exported.sha256}); run the export again`);
  }
  ctx.out.result({ export: exported, file, bytes, sha256 }, () => `wrote ${file} (${formatBytes(bytes)}, sha256 ${sha256})`);
}
