import type { ApiClient } from "@burstflare/sdk/client";
import { SESSION_PAGE_MAX, sessionListResponse } from "@burstflare/sdk/schemas/sessions";
import { workspaceSnapshotListSchema } from "@burstflare/sdk/schemas/snapshots";
import { templateListSchema } from "@burstflare/sdk/schemas/templates";
import { type App, examples } from "../app";
import { complete, type NameKind } from "../completion/complete";
import { NameCache } from "../completion/name-cache";
import { completionScript, SHELLS, type Shell } from "../completion/scripts";
import type { FlareCommand } from "../flare-command";
import { CLIError, EXIT } from "../output";

/** One request per kind: completion offers the newest page of sessions, never walks them all. */
async function fetchNames(client: ApiClient, kind: NameKind): Promise<string[]> {
  switch (kind) {
    case "sessions": {
      const page = await client.call("GET /api/sessions", { query: { limit: SESSION_PAGE_MAX }, schema: sessionListResponse });
      return page.sessions.filter((s) => s.state !== "deleted").map((s) => s.name);
    }
    case "templates":
      return (await client.call("GET /api/templates", { schema: templateListSchema })).templates.map((t) => t.name);
    case "snapshots":
      return (await client.call("GET /api/snapshots", { schema: workspaceSnapshotListSchema })).snapshots.map((s) => s.id);
  }
}

export function registerCompletion(program: FlareCommand, app: App): void {
  program
    .command("completion")
    .description("Print the shell completion script (commands, options, and session, template and snapshot names)")
    .argument("<shell>", SHELLS.join(" | "))
    .addHelpText(
      "after",
      examples(
        `echo 'eval "$(flare completion bash)"' >> ~/.bashrc`,
        `echo 'eval "$(flare completion zsh)"' >> ~/.zshrc`,
        "flare completion fish > ~/.config/fish/completions/flare.fish",
      ),
    )
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new CLIError("usage", `no completion for "${shell}"; choose ${SHELLS.join(", ")}`, { exitCode: EXIT.usage });
      }
      app.streams.stdout.write(completionScript(shell as Shell));
    });

  program
    .command("__complete", { hidden: true })
    .description("Candidates for the word being completed (used by the completion scripts)")
    .argument("[words...]")
    .allowUnknownOption()
    .run(async (ctx, words: string[]) => {
      const cache = new NameCache(ctx.configDir, ctx.baseURL);
      const candidates = await complete(program, words, {
        async names(kind) {
          const cached = cache.get(kind);
          if (cached) return cached;
          try {
            const values = await fetchNames(ctx.client, kind);
            cache.set(kind, values);
            return values;
          } catch {
            // A tab press must never print an error into the user's command line.
            return [];
          }
        },
      });
      if (candidates.length) app.streams.stdout.write(`${candidates.join("\n")}\n`);
    });
}
