import { type DeletedSnapshotBytes, restoreSnapshotResult, snapshotListSchema, snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { examples } from "../app";
import { downloadTo } from "../download";
import type { FlareCommand } from "../flare-command";
import { formatBytes, table } from "../output";

export function registerSnapshot(program: FlareCommand): void {
  const snap = program.command("snapshot").alias("snapshots").description("Snapshots of a session's persisted paths");
  /** A subcommand acting on one snapshot of a session: `<session> <snapshotId>`. */
  const snapshotCommand = (name: string, description: string) =>
    snap.sessionCommand(name, description).argument("<snapshotId>", "snapshot id");

  snap
    .sessionCommand("save", "Save a snapshot of a running session now")
    .option("-l, --label <text>", "a label to find it by")
    .addHelpText("after", examples("flare snapshot save dev -l 'before upgrade'"))
    .runWithSession(async (ctx, s, opts: { label?: string }) => {
      const spinner = ctx.spinner(`saving a snapshot of ${s.name}`);
      try {
        const snapshot = await ctx.client.call("POST /api/sessions/{sessionId}/snapshots", {
          params: { sessionId: s.id },
          body: { label: opts.label },
          schema: snapshotSchema,
        });
        spinner.succeed(`saved ${snapshot.id} (${formatBytes(snapshot.bytes ?? 0)})`);
        ctx.out.result({ snapshot }, () => undefined);
      } catch (err) {
        spinner.fail();
        throw err;
      }
    });

  snap
    .sessionCommand("list", "List a session's snapshots, newest first")
    .option("--deleted", "the session's deleted snapshots not yet purged instead (they still count; delete them --permanent)")
    .runWithSession(async (ctx, s, opts: { deleted?: boolean }) => {
      const data = await ctx.client.call("GET /api/sessions/{sessionId}/snapshots", {
        params: { sessionId: s.id },
        query: opts.deleted ? { deleted: "true" } : {},
        schema: snapshotListSchema,
      });
      ctx.out.result(
        data,
        () =>
          table(
            data.snapshots.map((x) => ({
              ...x,
              size: x.bytes === null ? null : formatBytes(x.bytes),
              restorePoint: x.restorePoint ? "*" : "",
            })),
            { restorePoint: "", id: "id", kind: "kind", label: "label", status: "status", size: "size", createdAt: "created" },
          ) + deletedLine(data.deleted, opts.deleted === true),
      );
    });

  snapshotCommand("restore", "Restore a snapshot into its session (the current state is saved first as a safety snapshot)").runWithSession(
    async (ctx, s, sid: string) => {
      const data = await ctx.client.call("POST /api/sessions/{sessionId}/snapshots/{snapshotId}/restore", {
        params: { sessionId: s.id, snapshotId: sid },
        body: {},
        schema: restoreSnapshotResult,
      });
      ctx.out.result(data, () => `restored ${data.restored.id} into ${s.name}; the previous state is in ${data.safety.id}`);
    },
  );

  snapshotCommand("delete", "Delete a snapshot (it counts against the quota until purged; --permanent frees it now)")
    .option("--permanent", "remove it and its archive now, also one already deleted (an operator can no longer restore it)")
    .addHelpText("after", examples("flare snapshot delete dev snap_123 --permanent"))
    .runWithSession(async (ctx, s, sid: string, opts: { permanent?: boolean }) => {
      await ctx.client.call("DELETE /api/sessions/{sessionId}/snapshots/{snapshotId}", {
        params: { sessionId: s.id, snapshotId: sid },
        query: opts.permanent ? { permanent: "true" } : {},
      });
      const permanent = opts.permanent === true;
      ctx.out.result({ deleted: sid, permanent }, () => (permanent ? `deleted ${sid} permanently` : `deleted ${sid}`));
    });

  snapshotCommand("download", "Download a snapshot as .tar.gz")
    .option("-o, --output <file>", "where to write it (default: <snapshotId>.tar.gz)")
    .runWithSession(async (ctx, s, sid: string, opts: { output?: string }) => {
      const file = opts.output ?? `${sid}.tar.gz`;
      const res = await ctx.client.callRaw("GET /api/sessions/{sessionId}/snapshots/{snapshotId}/content", {
        params: { sessionId: s.id, snapshotId: sid },
      });
      const { bytes, sha256 } = await downloadTo(res, file, ctx.streams.stderr, ctx.out.json);
      ctx.out.result({ file, bytes, sha256 }, () => `wrote ${file} (${formatBytes(bytes)}, sha256 ${sha256})`);
    });
}

/** Deleted snapshots count against the quota until purged: say how much, until when, and how to free it. */
function deletedLine(deleted: DeletedSnapshotBytes | undefined, listed: boolean): string {
  if (!deleted || deleted.bytes === 0) return "";
  const until = deleted.purgeAfter ? ` until ${deleted.purgeAfter}` : "";
  const find = listed ? "" : " (`flare snapshot list <session> --deleted` shows a session's)";
  return `\ndeleted snapshots in this workspace hold ${formatBytes(deleted.bytes)}${until}${find}; \`flare snapshot delete <session> <id> --permanent\` frees it now`;
}
