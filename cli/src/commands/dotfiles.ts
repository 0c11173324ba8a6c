import { dotfilesApplyResponse, dotfilesResponse, sessionDotfilesResponse } from "@burstflare/sdk/schemas/dotfiles";
import { examples } from "../app";
import type { FlareCommand } from "../flare-command";
import { CLIError } from "../output";
import { resolveSession } from "../sessions";
import { gitRefOption } from "./git";
import { addClearCommand } from "./me-settings";

export function registerDotfiles(program: FlareCommand): void {
  const dot = program.command("dotfiles").description("Your dotfiles repository, applied on the first start of each of your sessions");

  dot
    .command("set")
    .description("Set your dotfiles repository (its install.sh, setup.sh or bootstrap.sh runs; else its dot-files are linked)")
    .argument("<url>", "https URL of the repository (your `flare git token` is offered to its host)")
    .addOption(gitRefOption())
    .addHelpText("after", examples("flare dotfiles set https://github.com/ana/dotfiles"))
    .run(async (ctx, url: string, opts: { ref?: string }) => {
      const data = await ctx.client.call("POST /api/me/dotfiles", { body: { url, ref: opts.ref }, schema: dotfilesResponse });
      ctx.out.result(data, () => `dotfiles set to ${data.dotfiles?.url}; sessions started from now on apply them`);
    });

  dot
    .command("show")
    .description("Show your dotfiles repository, or the last run in a session")
    .argument("[session]", "a session: show its last dotfiles run and output")
    .run(async (ctx, ref: string | undefined) => {
      if (ref) {
        const s = await resolveSession(ctx.client, ref);
        const data = await ctx.client.call("GET /api/sessions/{sessionId}/dotfiles", {
          params: { sessionId: s.id },
          schema: sessionDotfilesResponse,
        });
        ctx.out.result(data, () =>
          data.run ? `${data.run.status} at ${data.run.at} from ${data.run.url}\n${data.run.output}` : `no dotfiles run in ${s.name}`,
        );
        return;
      }
      const data = await ctx.client.call("GET /api/me/dotfiles", { schema: dotfilesResponse });
      ctx.out.result(data, () =>
        data.dotfiles ? `${data.dotfiles.url}${data.dotfiles.ref ? ` (${data.dotfiles.ref})` : ""}` : "no dotfiles set",
      );
    });

  addClearCommand(dot, "Stop applying dotfiles to new sessions", "DELETE /api/me/dotfiles", dotfilesResponse, "dotfiles cleared");

  dot.sessionCommand("apply", "Apply the owner's dotfiles to a running session now").runWithSession(async (ctx, s) => {
    const data = await ctx.client.call("POST /api/sessions/{sessionId}/dotfiles/apply", {
      params: { sessionId: s.id },
      body: {},
      schema: dotfilesApplyResponse,
    });
    if (!data.ok) {
      throw new CLIError("dotfiles_failed", `dotfiles failed:\n${data.output}`, {
        hint: `fix the script in your dotfiles repository (\`flare dotfiles show\` names it), then \`flare dotfiles apply ${s.name}\``,
      });
    }
    ctx.out.result(data, () => data.output);
  });
}
