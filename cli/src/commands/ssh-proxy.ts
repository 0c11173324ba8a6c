import { readFileSync } from "node:fs";
import { type App, examples } from "../app";
import type { FlareCommand } from "../flare-command";
import { Spinner } from "../progress";
import { describeState } from "../sessions";
import { prepareConnection } from "../ssh/connect";
import { SSH_TOKEN_ENV, SSH_TOKEN_SESSION_ENV } from "../ssh/fast-proxy";
import { readManagedPublicKey } from "../ssh/keys";
import { bridge, exitOnHangup, openTunnel, sshTunnelURL, type Tunnel, TunnelError, tunnelFailure } from "../ssh/tunnel";

export function registerSSHProxy(program: FlareCommand, app: App): void {
  program
    .command("ssh-proxy")
    .description("Bridge stdin/stdout to a session's SSH tunnel (used as ssh's ProxyCommand; stdout carries SSH bytes only)")
    .argument("<session>", "session id, name, or <name>.burstflare")
    .option("--token-file <file>", "read the ssh token from a file instead of minting one")
    .addHelpText(
      "after",
      examples("ssh -o ProxyCommand='flare ssh-proxy dev' user@dev.burstflare", "flare config-ssh   # writes such entries for you"),
    )
    .run(async (ctx, ref: string, opts: { tokenFile?: string }) => {
      exitOnHangup();
      let sessionId: string;
      let token: string;
      const given = opts.tokenFile ? readFileSync(opts.tokenFile, "utf8").trim() : app.env[SSH_TOKEN_ENV];
      const givenFor = opts.tokenFile ? ref : app.env[SSH_TOKEN_SESSION_ENV];
      if (given && givenFor === ref) {
        sessionId = ref;
        token = given;
      } else {
        // Progress goes to stderr, which ssh shows; stdout belongs to the SSH stream.
        const spinner = new Spinner(ctx.streams.stderr);
        let waking = false;
        // With an API token no account key exists: bind the managed key, which config-ssh's entries use.
        const { session, minted } = await prepareConnection(ctx, ref, {
          publicKey: ctx.usingEnvToken ? readManagedPublicKey(ctx.configDir) : null,
          onWaking: (s) => {
            if (waking) spinner.update(describeState(s));
            else spinner.start(describeState(s));
            waking = true;
          },
          onWoken: (s) => spinner.succeed(describeState(s)),
        });
        sessionId = session.id;
        token = minted.token;
      }
      let tunnel: Tunnel;
      try {
        tunnel = await openTunnel(sshTunnelURL(ctx.baseURL, sessionId), token);
      } catch (err) {
        if (err instanceof TunnelError) throw tunnelFailure(err);
        throw err;
      }
      await bridge(tunnel, process.stdin, process.stdout);
    });
}
