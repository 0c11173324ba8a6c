import { gitCloneResult, gitCredentialResponse } from "@burstflare/sdk/schemas/git";
import { Option } from "commander";
import { examples } from "../app";
import type { FlareCommand } from "../flare-command";
import { CLIError, EXIT } from "../output";
import { addClearCommand } from "./me-settings";

/** The token comes on stdin, never as an argument (arguments show in `ps` and shell history). */
async function readToken(): Promise<string> {
  if (process.stdin.isTTY)
    throw new CLIError("usage", "pipe the token on stdin", { exitCode: EXIT.usage, hint: "gh auth token | flare git token set" });
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const token = Buffer.concat(chunks).toString("utf8").trim();
  if (!token) throw new CLIError("usage", "no token on stdin", { exitCode: EXIT.usage });
  return token;
}

/** `--ref <ref>` of the commands that take a git repository (`git clone --repo`, `dotfiles set`). */
export const gitRefOption = () => new Option("--ref <ref>", "branch or tag");

export function registerGit(program: FlareCommand): void {
  const git = program.command("git").description("Your git token, and cloning a session's repository");
  const token = git.command("token").description("The git token your sessions offer to git (stored sealed, never shown again)");

  token
    .command("set")
    .description("Store a token (read from stdin) for one git host")
    .option("--host <host>", "the git host it is for", "github.com")
    .option("-u, --username <name>", "user name sent with it (default x-access-token, fine for GitHub)")
    .addHelpText("after", examples("gh auth token | flare git token set", "flare git token set --host git.example.com -u ana < token.txt"))
    .run(async (ctx, opts: { host: string; username?: string }) => {
      const data = await ctx.client.call("POST /api/me/git-credential", {
        body: { host: opts.host, username: opts.username, token: await readToken() },
        schema: gitCredentialResponse,
      });
      ctx.out.result(data, () => `git token stored for ${data.credential?.host}; sessions you start from now on offer it to git`);
    });

  token
    .command("show")
    .description("Which host your token is for (never the token)")
    .run(async (ctx) => {
      const data = await ctx.client.call("GET /api/me/git-credential", { schema: gitCredentialResponse });
      ctx.out.result(data, () =>
        data.credential
          ? `${data.credential.host} as ${data.credential.username}, set ${data.credential.updatedAt}`
          : "no git token stored",
      );
    });

  addClearCommand(token, "Forget your token", "DELETE /api/me/git-credential", gitCredentialResponse, "git token removed");

  git
    .sessionCommand("clone", "Clone the session's repository now (or another one) in the running session")
    .option("--repo <url>", "a repository instead of the session's")
    .addOption(gitRefOption())
    .runWithSession(async (ctx, s, opts: { repo?: string; ref?: string }) => {
      const body = opts.repo ? { git: { url: opts.repo, ref: opts.ref } } : {};
      const data = await ctx.client.call("POST /api/sessions/{sessionId}/git/clone", {
        params: { sessionId: s.id },
        body,
        schema: gitCloneResult,
      });
      if (!data.ok) {
        throw new CLIError("clone_failed", `git clone failed:\n${data.output}`, {
          hint: "check the URL and ref; for a private repository set your token with `flare git token set` and try again",
        });
      }
      ctx.out.result(data, () => `cloned into ${data.dir}`);
    });
}
