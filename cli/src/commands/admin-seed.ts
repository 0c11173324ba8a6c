import { readFileSync } from "node:fs";
import { seededTemplateSchema, seededUserSchema } from "@burstflare/sdk/schemas/seed";
import { ROLES, type Role } from "@burstflare/sdk/states";
import { examples } from "../app";
import type { FlareCommand } from "../flare-command";

/**
 * `flare admin seed …`: the operator seeding routes (docs/runbook.md "Seeding fixtures") from the
 * shell, for a dev or test stack started with OPERATOR_SEEDING=1; elsewhere the server says 404.
 */
export function registerAdminSeed(admin: FlareCommand): void {
  const seed = admin.command("seed").description("Make fixtures on a stack with OPERATOR_SEEDING=1 (operators only)");

  seed
    .command("user")
    .description("A user with a personal workspace (or a role in --workspace) and a day-long CLI token")
    .option("--workspace <workspaceId>", "a role in this workspace instead of a personal one")
    .option("--role <role>", `with --workspace: one of ${ROLES.join(", ")} (default member)`)
    .option("--email <email>", "the address (default: a fresh usr_…@example.com)")
    .option("--browser", "also a browser sign-in (its bf_session cookie value)")
    .addHelpText("after", examples("flare admin seed user", "flare --json admin seed user --workspace ws_123 --role viewer"))
    .run(async (ctx, opts: { workspace?: string; role?: string; email?: string; browser?: boolean }) => {
      if (opts.role !== undefined && !(ROLES as readonly string[]).includes(opts.role)) {
        throw new Error(`unknown role "${opts.role}"; use one of: ${ROLES.join(", ")}`);
      }
      const user = await ctx.client.call("POST /api/admin/seed/users", {
        body: {
          email: opts.email,
          workspaceId: opts.workspace,
          role: opts.role as Role | undefined,
          signIns: opts.browser ? ["cli", "browser"] : ["cli"],
        },
        schema: seededUserSchema,
      });
      ctx.out.result(user, () =>
        [
          `user ${user.userId} <${user.email}>, ${user.role} of ${user.workspaceId}`,
          ...user.signIns.map((s) => `${s.kind === "cli" ? "CLI token" : "browser cookie"}: ${s.token} (until ${s.expiresAt})`),
        ].join("\n"),
      );
    });

  seed
    .command("template")
    .description("A template whose one version (a manifest, no bundle) is active")
    .argument("<manifest>", "a JSON manifest file")
    .requiredOption("--workspace <workspaceId>", "the workspace")
    .option("--name <name>", "the template's name (default: its id)")
    .addHelpText("after", examples("flare admin seed template manifest.json --workspace ws_123 --name sleepy"))
    .run(async (ctx, file: string, opts: { workspace: string; name?: string }) => {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const seeded = await ctx.client.call("POST /api/admin/seed/templates", {
        body: { workspaceId: opts.workspace, name: opts.name, manifest },
        schema: seededTemplateSchema,
      });
      ctx.out.result(seeded, () => `template ${seeded.templateId}, active version ${seeded.versionId}`);
    });
}
