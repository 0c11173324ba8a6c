import {
  type AdminReport,
  adminReportSchema,
  deletedListSchema,
  RESTORABLE_KINDS,
  type ReconcileResult,
  type RestorableKind,
  reconcileResultSchema,
  restoreResultSchema,
} from "@burstflare/sdk/schemas/admin";
import { operatorBootstrapResponseSchema } from "@burstflare/sdk/schemas/auth";
import { workspaceExportSchema } from "@burstflare/sdk/schemas/snapshots";
import { examples } from "../app";
import type { Context } from "../context";
import type { FlareCommand } from "../flare-command";
import { formatBytes, table } from "../output";
import { registerAdminSeed } from "./admin-seed";
import { addExportCommand, downloadExport } from "./export";

function renderReport(r: AdminReport): string {
  const lines = [
    `builds dead-lettered:  ${r.buildsDeadLettered}${r.buildsDeadLettered ? "   (fix: flare build retry-dead-lettered)" : ""}`,
    `builds stuck:          ${r.buildsStuck}`,
    `sessions running:      ${r.sessionsRunning}`,
    `sessions sleeping:     ${r.sessionsSleeping}`,
    `sessions failed:       ${r.sessionsFailed}`,
    `active upload grants:  ${r.activeUploadGrants}`,
    `totals:                ${r.totals.users} users, ${r.totals.workspaces} workspaces, ${r.totals.sessions} sessions, ${r.totals.templates} templates, ${r.totals.builds} builds, ${r.totals.snapshots} snapshots (${formatBytes(r.totals.snapshotBytes)})`,
    `pending purge:         ${r.pendingPurge.sessions} sessions, ${r.pendingPurge.snapshots} snapshots, ${r.pendingPurge.templates} templates, ${r.pendingPurge.workspaces} workspaces`,
    `last reconcile:        ${r.lastReconcile ? `${r.lastReconcile.at} (${r.lastReconcile.actions} actions, ${r.lastReconcile.failed} failed)` : "never"}`,
  ];
  if (r.recentFailures.length > 0) {
    lines.push("", "recent failures:", table(r.recentFailures, { kind: "kind", id: "id", name: "name", reason: "reason", at: "at" }));
  }
  return lines.join("\n");
}

function renderReconcile(r: ReconcileResult): string {
  const head = `${r.preview ? "would change" : "changed"} ${r.changed}, failed ${r.failed}, in ${Math.round(r.durationMs)} ms${r.truncated ? " (truncated; run again to continue)" : ""}`;
  if (r.actions.length === 0) return head;
  return `${head}\n${table(r.actions, { kind: "action", targetType: "target", targetId: "id", outcome: "outcome", reason: "reason" })}`;
}

/** Runs the reconciler now, or with `preview` only plans it, and prints its actions. */
async function reconcile(ctx: Context, preview: boolean): Promise<void> {
  const result = await ctx.client.call("POST /api/admin/reconcile", { body: { preview }, schema: reconcileResultSchema });
  ctx.out.result(result, () => renderReconcile(result));
}

export function registerAdmin(program: FlareCommand): void {
  const admin = program.command("admin").description("Operator tools (operators only)");

  admin
    .command("bootstrap <code>")
    .description(
      "Prove your address with the one-time code printed by `npm run dev` or the deploy script (or an operator's invite bound to your email)",
    )
    .addHelpText("after", examples("OPERATOR_EMAILS=you@example.com npm run dev   # prints the code", "flare admin bootstrap bfb_…"))
    .run(async (ctx, code: string) => {
      const result = await ctx.client.call("POST /api/admin/bootstrap", { body: { code }, schema: operatorBootstrapResponseSchema });
      ctx.out.result(result, () =>
        result.isOperator ? "address proven: you are an operator" : "address proven, but it is not in OPERATOR_EMAILS",
      );
    });

  admin
    .command("report")
    .description("Fleet health: dead-lettered and stuck builds, sleeping sessions, upload grants, totals")
    .addHelpText("after", examples("flare admin report", "flare --json admin report | jq .buildsDeadLettered"))
    .run(async (ctx) => {
      const report = await ctx.client.call("GET /api/admin/report", { schema: adminReportSchema });
      ctx.out.result(report, () => renderReport(report));
    });

  admin
    .command("reconcile")
    .description("Run the reconciler now (the cron does it periodically): stuck builds, long-sleeping sessions, purges")
    .option("--preview", "list what it would do and change nothing")
    .addHelpText("after", examples("flare admin reconcile --preview", "flare admin reconcile"))
    .run((ctx, opts: { preview?: boolean }) => reconcile(ctx, opts.preview === true));

  admin
    .command("deleted")
    .description("Deleted sessions, snapshots, templates and workspaces still restorable, with their purge time")
    .option("--workspace <workspaceId>", "only this workspace")
    .addHelpText("after", examples("flare admin deleted", "flare admin deleted --workspace ws_123"))
    .run(async (ctx, opts: { workspace?: string }) => {
      const list = await ctx.client.call("GET /api/admin/deleted", {
        query: { workspaceId: opts.workspace || undefined },
        schema: deletedListSchema,
      });
      const labels = { kind: "kind", id: "id", name: "name", workspaceId: "workspace", deletedAt: "deleted", purgeAfter: "purged after" };
      ctx.out.result(list, () => table(list.items, labels, "nothing deleted is waiting for purge"));
    });

  admin
    .command("restore")
    .description("Restore a deleted session, snapshot, template or workspace inside the retention window")
    .argument("<kind>", `one of: ${RESTORABLE_KINDS.join(", ")}`)
    .argument("<id>", "its id (see `flare admin deleted`)")
    .addHelpText("after", examples("flare admin restore session ses_123", "flare admin restore workspace ws_123"))
    .run(async (ctx, kind: string, id: string) => {
      if (!(RESTORABLE_KINDS as readonly string[]).includes(kind)) {
        throw new Error(`unknown kind "${kind}"; use one of: ${RESTORABLE_KINDS.join(", ")}`);
      }
      const result = await ctx.client.call("POST /api/admin/restore", {
        body: { kind: kind as RestorableKind, id },
        schema: restoreResultSchema,
      });
      ctx.out.result(result, () => {
        const r = result.restored;
        return `restored ${result.kind} ${result.id} (${r.sessions} sessions, ${r.templates} templates, ${r.snapshots} snapshots)`;
      });
    });

  addExportCommand(admin, "Export any workspace's records and download the JSON document (do this before a destructive repair)")
    .argument("<workspaceId>", "the workspace to export")
    .addHelpText("after", examples("flare admin export ws_123 -o ws_123-backup.json"))
    .run(async (ctx, workspaceId: string, opts: { output?: string }) => {
      const exported = await ctx.client.call("POST /api/admin/workspaces/{workspaceId}/exports", {
        params: { workspaceId },
        body: {},
        schema: workspaceExportSchema,
      });
      await downloadExport(ctx, exported, opts.output);
    });

  registerAdminSeed(admin);
}
