import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import nodePath from "node:path";
import type { ApiClient } from "@burstflare/sdk/client";
import { sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { type App, examples } from "../app";
import { homeDir } from "../config";
import type { FlareCommand } from "../flare-command";
import { CLIError } from "../output";
import { HOST_SUFFIX, listAllSessions } from "../sessions";
import { removeBlock, renderBlock, SSHConfigError, upsertBlock } from "../ssh/config-block";
import { ensureKeyRegistered, ensureManagedKey } from "../ssh/keys";
import { hostEntries } from "../ssh/ssh-args";

interface ConfigSSHOptions {
  remove?: boolean;
  sshConfig?: string;
  dryRun?: boolean;
}

export function registerConfigSSH(program: FlareCommand, app: App): void {
  program
    .command("config-ssh")
    .description(`Write Host <session>${HOST_SUFFIX} entries into ~/.ssh/config so plain ssh, scp, rsync and ssh -L work`)
    .option("--remove", "remove the BurstFlare block and nothing else")
    .option("--ssh-config <file>", "the ssh config file to edit (default ~/.ssh/config)")
    .option("--dry-run", "print the new file instead of writing it")
    .addHelpText(
      "after",
      examples(
        "flare config-ssh",
        `ssh dev${HOST_SUFFIX}`,
        `scp ./data.csv dev${HOST_SUFFIX}:data.csv`,
        `rsync -a src/ dev${HOST_SUFFIX}:src/`,
        `ssh -L 3000:localhost:3000 dev${HOST_SUFFIX}`,
        "flare config-ssh --remove",
      ),
    )
    .run(async (ctx, opts: ConfigSSHOptions) => {
      const file = nodePath.resolve(opts.sshConfig ?? nodePath.join(homeDir(app.env), ".ssh", "config"));
      const before = existsSync(file) ? readFileSync(file, "utf8") : "";
      let after: string;
      let hosts: string[] = [];
      try {
        if (opts.remove) {
          after = removeBlock(before);
        } else {
          const { paths, publicKey } = await ensureManagedKey(ctx.configDir, app.env.BURSTFLARE_SSH_KEYGEN ?? "ssh-keygen");
          // An API token binds the managed key per connection (ssh-proxy) instead of registering it.
          if (!ctx.usingEnvToken) await ensureKeyRegistered(ctx.client, publicKey);
          const sessions = await listAllSessions(ctx.client);
          const live = sessions.filter((s) => s.state !== "deleted");
          const sshUser = await learnSSHUser(ctx.client, live);
          const entries = hostEntries({
            self: app.self,
            baseURL: ctx.baseURL,
            configDir: ctx.configDir,
            env: app.env,
            paths,
            sessions: live.map((s) => ({ id: s.id, name: s.name, sshUser })),
            defaultUser: sshUser,
            onSkipped: (s) => ctx.out.note(`left out session ${s.name} (${s.id}): its name or id cannot be written into an ssh config`),
          });
          hosts = entries.map((e) => e.host);
          after = upsertBlock(
            before,
            renderBlock(entries, [`server: ${ctx.baseURL}`, "re-run `flare config-ssh` after creating sessions"]),
          );
        }
      } catch (err) {
        if (err instanceof SSHConfigError) {
          throw new CLIError("ssh_config_damaged", `${file}: ${err.message}`, {
            hint: "repair or delete the BurstFlare block between its BEGIN/END marker lines by hand, then run `flare config-ssh` again",
          });
        }
        throw err;
      }
      const changed = after !== before;
      if (opts.dryRun) {
        ctx.out.result({ file, changed, hosts, content: after }, () => after);
        return;
      }
      if (changed) {
        mkdirSync(nodePath.dirname(file), { recursive: true, mode: 0o700 });
        // writeFileSync follows a symlinked config (dotfile managers) instead of replacing the link.
        writeFileSync(file, after, { mode: 0o600 });
      }
      ctx.out.result({ file, changed, removed: opts.remove === true, hosts }, () => {
        if (opts.remove) return changed ? `removed the BurstFlare block from ${file}` : `${file} has no BurstFlare block`;
        return `${changed ? "updated" : "unchanged:"} ${file}\n${hosts.map((h) => `  ${h}`).join("\n")}\ntry: ssh ${hosts[0] ?? `<session>${HOST_SUFFIX}`}`;
      });
    });
}

/**
 * The login name is the user's (the same for every session); the server says what it is when it
 * mints a token, so one mint tells us. Sessions whose state refuses a token are skipped.
 */
async function learnSSHUser(client: ApiClient, sessions: { id: string }[]): Promise<string | null> {
  for (const s of sessions) {
    try {
      return (
        await client.call("POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: s.id }, body: {}, schema: sshTokenSchema })
      ).sshUser;
    } catch {}
  }
  return null;
}
