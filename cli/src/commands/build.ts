import { buildListSchema, buildSchema, retryDeadLetteredSchema } from "@burstflare/sdk/schemas/builds";
import { BUILD_STATES } from "@burstflare/sdk/states";
import { type App, examples } from "../app";
import { FINAL_BUILD_STATES, getBuild, getBuildLog } from "../builds";
import type { FlareCommand } from "../flare-command";
import { CLIError, table } from "../output";

export function registerBuild(program: FlareCommand, app: App): void {
  const build = program.command("build").alias("builds").description("Template builds: list, logs, retries");
  const buildCommand = build.commandsOn("<buildId>", "build id");

  build
    .command("list")
    .description("List builds, newest first")
    .option("--status <status>", `only builds in this state (${BUILD_STATES.join(", ")})`)
    .option("--template <id>", "only builds of this template id")
    .option("--limit <n>", "at most this many", "50")
    .addHelpText("after", examples("flare build list --status failed", "flare --json build list --status dead_lettered"))
    .run(async (ctx, opts: { status?: string; template?: string; limit: string }) => {
      if (opts.status && !(BUILD_STATES as readonly string[]).includes(opts.status)) {
        throw new CLIError("usage", `--status must be one of ${BUILD_STATES.join(", ")}`, { exitCode: 2 });
      }
      const data = await ctx.client.call("GET /api/template-builds", {
        query: { status: opts.status, templateId: opts.template, limit: opts.limit },
        schema: buildListSchema,
      });
      ctx.out.result(data, () =>
        table(
          data.builds.map((b) => ({ ...b, template: `${b.templateName} ${b.version}` })),
          { id: "id", template: "template", status: "status", attempts: "attempts", createdAt: "created", error: "error" },
        ),
      );
    });

  buildCommand("log", "Print a build's log")
    .option("-f, --follow", "keep printing as the build runs, until it finishes")
    .addHelpText("after", examples("flare build log bld_123 --follow"))
    .run(async (ctx, id: string, opts: { follow?: boolean }) => {
      if (!opts.follow) {
        const log = await getBuildLog(ctx.client, id);
        ctx.out.result({ buildId: id, log }, () => log);
        return;
      }
      // The log only grows while the build runs, so printing what is past the last length is exact.
      let printed = 0;
      const flush = async () => {
        const log = await getBuildLog(ctx.client, id);
        const fresh = log.slice(printed);
        printed = log.length;
        if (fresh) ctx.out.event({ type: "log", data: fresh }, () => (fresh.endsWith("\n") ? fresh : `${fresh}\n`));
      };
      for (;;) {
        const b = await getBuild(ctx.client, id);
        await flush();
        if (FINAL_BUILD_STATES.includes(b.status)) {
          await flush();
          ctx.out.event({ type: "status", status: b.status, error: b.error }, () => undefined);
          ctx.out.note(`build ${id}: ${b.status}${b.error ? ` (${b.error})` : ""}`);
          if (b.status !== "succeeded") app.exitCode = 1;
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    });

  buildCommand("retry", "Queue a failed or dead-lettered build again").run(async (ctx, id: string) => {
    const build = await ctx.client.call("POST /api/template-builds/{buildId}/retry", {
      params: { buildId: id },
      body: {},
      schema: buildSchema,
    });
    ctx.out.result({ build }, () => `build ${build.id}: ${build.status}`);
  });

  build
    .command("retry-dead-lettered")
    .description("Operators: queue every dead-lettered build again")
    .run(async (ctx) => {
      const data = await ctx.client.call("POST /api/admin/template-builds/retry-dead-lettered", {
        body: {},
        schema: retryDeadLetteredSchema,
      });
      ctx.out.result(data, () => `requeued ${data.count} dead-lettered build${data.count === 1 ? "" : "s"}`);
    });
}
