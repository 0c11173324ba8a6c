import type { Command } from "commander";
import { type App, examples } from "../app";

/** Flattens a report object into `key: value` lines (nested objects as dotted keys). */
export function renderReport(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${prefix}: ${JSON.stringify(value)}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? renderReport(v, prefix ? `${prefix}.${k}` : k)
      : [`${prefix ? `${prefix}.` : ""}${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`],
  );
}

export function registerAdmin(program: Command, app: App): void {
  const admin = program.command("admin").description("Operator tools (operators only)");

  admin
    .command("report")
    .description("Fleet health: dead-lettered and stuck builds, sleeping sessions, upload grants, totals")
    .addHelpText("after", examples("flare admin report", "flare --json admin report | jq .buildsDeadLettered"))
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const report = await ctx.client.get("/api/admin/report");
      ctx.out.result(report, () => renderReport(report).join("\n"));
    });

  admin
    .command("reconcile")
    .description("Run the reconciler now (the cron does it periodically): repairs stuck sessions and builds")
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const result = await ctx.client.post("/api/admin/reconcile", {});
      ctx.out.result(result, () => renderReport(result).join("\n"));
    });
}
