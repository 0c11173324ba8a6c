import {
  createdInviteSchema,
  inviteListSchema,
  memberListSchema,
  workspaceListSchema,
  workspaceSettingsSchema,
} from "@burstflare/sdk/schemas/workspaces";
import { ROLES, type Role } from "@burstflare/sdk/states";
import { examples } from "../app";
import type { FlareCommand } from "../flare-command";
import { CLIError, table } from "../output";

export function registerWorkspace(program: FlareCommand): void {
  const ws = program.command("workspace").alias("ws").description("Workspaces you belong to, their members and invites");

  ws.command("list")
    .description("List your workspaces (* marks the current one)")
    .run(async (ctx) => {
      const data = await ctx.client.call("GET /api/workspaces", { schema: workspaceListSchema });
      ctx.out.result(data, () =>
        table(
          data.workspaces.map((w) => ({ ...w, current: w.current ? "*" : "" })),
          { current: "", id: "id", name: "name", role: "role", plan: "plan" },
        ),
      );
    });

  ws.command("create")
    .description("Create a workspace (you become its owner)")
    .argument("<name>", "workspace name")
    .run(async (ctx, name: string) => {
      const data = await ctx.client.call("POST /api/workspaces", { body: { name }, schema: workspaceSettingsSchema });
      ctx.out.result(
        data,
        () =>
          `created workspace ${data.workspace.name} (${data.workspace.id}); switch with \`flare workspace switch ${data.workspace.id}\``,
      );
    });

  ws.command("switch")
    .description("Make another workspace current for this sign-in")
    .argument("<workspace>", "workspace id or name")
    .addHelpText("after", examples("flare workspace switch team-alpha"))
    .run(async (ctx, ref: string) => {
      const { workspaces } = await ctx.client.call("GET /api/workspaces", { schema: workspaceListSchema });
      const target = workspaces.find((w) => w.id === ref) ?? workspaces.filter((w) => w.name === ref)[0];
      if (!target)
        throw new CLIError("not_found", `you are not a member of a workspace "${ref}"`, { hint: "see yours with `flare workspace list`" });
      if (workspaces.filter((w) => w.name === ref).length > 1 && target.id !== ref) {
        throw new CLIError("ambiguous", `several workspaces are named "${ref}"`, { hint: "use the id from `flare workspace list`" });
      }
      const data = await ctx.client.call("POST /api/auth/switch-workspace", {
        body: { workspaceId: target.id },
        schema: workspaceSettingsSchema,
      });
      ctx.out.result(data, () => `current workspace: ${data.workspace.name} (${data.workspace.role})`);
    });

  ws.command("members")
    .description("List the current workspace's members")
    .run(async (ctx) => {
      const data = await ctx.client.call("GET /api/workspaces/current/members", { schema: memberListSchema });
      ctx.out.result(data, () => table(data.members, { email: "email", role: "role", joinedAt: "joined" }));
    });

  ws.command("invite")
    .description("Create a single-use invite code for the current workspace")
    .argument("[email]", "bind the invite to this email")
    .option("--role <role>", `role for the invitee (${ROLES.join(", ")})`, "member")
    .option("--expires-in-hours <hours>", "hours the code stays valid", (v) => Number.parseInt(v, 10), 72)
    .option("--list", "list invites instead of creating one")
    .addHelpText("after", examples("flare workspace invite ana@example.com --role admin", "flare workspace invite --list"))
    .run(async (ctx, email: string | undefined, opts: { role: string; expiresInHours: number; list?: boolean }) => {
      if (opts.list) {
        const data = await ctx.client.call("GET /api/workspaces/current/invites", { schema: inviteListSchema });
        ctx.out.result(data, () => table(data.invites, { id: "id", email: "email", role: "role", status: "status", expiresAt: "expires" }));
        return;
      }
      if (!(ROLES as readonly string[]).includes(opts.role)) {
        throw new CLIError("usage", `--role must be one of ${ROLES.join(", ")}`, { exitCode: 2 });
      }
      const body = { email, role: opts.role as Role, expiresInHours: opts.expiresInHours };
      const data = await ctx.client.call("POST /api/workspaces/current/invites", { body, schema: createdInviteSchema });
      ctx.out.result(
        data,
        () =>
          `invite code (shown once): ${data.code}\nrole ${data.invite.role}, expires ${data.invite.expiresAt}${data.invite.email ? `, only for ${data.invite.email}` : ""}`,
      );
    });
}
