import type { Command } from "commander";
import { type AdminReport, adminReportSchema, type ReconcileResult, reconcileResultSchema } from "../../../sdk/schemas/admin";
import { type App, examples } from "../app";
import { formatBytes, table } from "../output";

export function renderReport(r: AdminReport): string {
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
    lines.push(
      "",
      "recent failures:",
      table(r.recentFailures, [
        { key: "kind", label: "kind" },
        { key: "id", label: "id" },
        { key: "name", label: "name" },
        { key: "reason", label: "reason" },
        { key: "at", label: "at" },
      ]),
    );
  }
  return lines.join("\n");
}

export function renderReconcile(r: ReconcileResult): string {
  const head = `${r.preview ? "would change" : "changed"} ${r.changed}, failed ${r.failed}, in ${Math.round(r.durationMs)} ms${r.truncated ? " (truncated; run again to continue)" : ""}`;
  if (r.actions.length === 0) return head;
  return `${head}\n${table(r.actions, [
    { key: "kind", label: "action" },
    { key: "targetType", label: "target" },
    { key: "targetId", label: "id" },
    { key: "outcome", label: "outcome" },
    { key: "reason", label: "reason" },
  ])}`;
}

export function registerAdmin(program: Command, app: App): void {
  const admin = program.command("admin").description("Operator tools (operators only)");

  admin
    .command("report")
    .description("Fleet health: dead-lettered and stuck builds, sleeping sessions, upload grants, totals")
    .addHelpText("after", examples("flare admin report", "flare --json admin report | jq .buildsDeadLettered"))
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const report = await ctx.client.get("/api/admin/report", { schema: adminReportSchema });
      ctx.out.result(report, () => renderReport(report));
    });

  admin
    .command("reconcile")
    .description("Run the reconciler now (the cron does it periodically): stuck builds, long-sleeping sessions, purges")
    .option("--preview", "list what it would do and change nothing")
    .addHelpText("after", examples("flare admin reconcile --preview", "flare admin reconcile"))
    .action(async (opts: { preview?: boolean }, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const result = await ctx.client.post("/api/admin/reconcile", { preview: opts.preview === true }, { schema: reconcileResultSchema });
      ctx.out.result(result, () => renderReconcile(result));
    });
}
