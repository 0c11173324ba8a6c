import { spawn } from "node:child_process";
import { constants } from "node:os";
import { type App, examples } from "../app";
import type { FlareCommand } from "../flare-command";
import { CLIError } from "../output";
import type { Spinner } from "../progress";
import { describeState } from "../sessions";
import { type PreparedConnection, prepareConnection } from "../ssh/connect";
import { createFifoProxy } from "../ssh/fifo-proxy";
import { createEphemeralKey, type EphemeralKey, ensureManagedKey } from "../ssh/keys";
import { flareSSHArgs } from "../ssh/ssh-args";
import { openTunnel, sshTunnelURL, TunnelError, tunnelFailure } from "../ssh/tunnel";

interface SSHOptions {
  forwardAgent?: boolean;
  localForward: string[];
  tty?: boolean;
  option: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSSH(program: FlareCommand, app: App): void {
  program
    .sessionCommand("ssh", "Open an SSH connection (or run a command) in a session, waking it if it sleeps")
    .argument("[command...]", "command to run instead of a login shell (put it after --)")
    .option("-A, --forward-agent", "forward your local ssh-agent into the session")
    .option("-L, --local-forward <spec>", "forward a local port, as ssh -L ([bind:]port:host:hostport)", collect, [])
    .option("-t, --tty", "force a terminal even for a command (ssh -tt)")
    .option("-T, --no-tty", "never allocate a terminal")
    .option("-o, --option <ssh_option>", "extra ssh -o option", collect, [])
    // Everything after the session name belongs to the remote command, as with ssh itself.
    .passThroughOptions()
    .addHelpText(
      "after",
      examples("flare ssh dev", "flare ssh dev -- ls -la", "flare ssh -L 3000:localhost:3000 dev", "flare ssh -A dev -- git pull"),
    )
    .run(async (ctx, ref: string, command: string[], opts: SSHOptions) => {
      // With pass-through parsing the `--` separator arrives as the first word of the command.
      const remote = command[0] === "--" ? command.slice(1) : command;
      const keygen = app.env.BURSTFLARE_SSH_KEYGEN ?? "ssh-keygen";
      // The key is bound to this connection's token, so no account key has to be registered (API
      // tokens cannot): a key made for this one connection with a token, the managed key when signed in.
      const keyReady = ctx.usingEnvToken ? createEphemeralKey(ctx.configDir, keygen) : managedKey(ctx.configDir, keygen);
      // Settled early so a failure elsewhere never leaves it unhandled; disposed of in finally.
      keyReady.catch(() => {});
      let spinner: Spinner | null = null;
      try {
        const key = await keyReady;
        let prepared: PreparedConnection;
        try {
          prepared = await prepareConnection(ctx, ref, {
            publicKey: key.publicKey,
            onWaking: (s) => {
              if (spinner) spinner.update(describeState(s));
              else spinner = ctx.spinner(describeState(s));
            },
            onWoken: (s) => spinner?.succeed(describeState(s)),
          });
        } catch (err) {
          (spinner as Spinner | null)?.fail();
          throw err;
        }
        const { session, minted } = prepared;
        // The tunnel opens while ssh starts; this process carries the bytes (ssh/fifo-proxy.ts).
        const fifo = createFifoProxy(ctx.configDir);
        const tunnelReady = openTunnel(sshTunnelURL(ctx.baseURL, session.id), minted.token);
        tunnelReady.catch(() => {});
        const carried = fifo.run(tunnelReady).then(
          () => null,
          (err: unknown) => err,
        );
        try {
          const args = flareSSHArgs({
            self: app.self,
            proxy: fifo.command,
            baseURL: ctx.baseURL,
            configDir: ctx.configDir,
            env: app.env,
            paths: key.paths,
            session,
            sshUser: minted.sshUser,
            forwardAgent: opts.forwardAgent,
            localForwards: opts.localForward,
            // With both --tty and --no-tty declared, commander leaves tty undefined when neither is given.
            tty: opts.tty,
            extraOptions: opts.option,
            command: remote,
          });
          app.exitCode = await runSSH(app.env.BURSTFLARE_SSH ?? "ssh", args, app.env);
          // ssh is gone: whatever the tunnel still holds has nowhere to go.
          const tunnel = await tunnelReady.catch(() => null);
          tunnel?.ws.terminate();
          const failure = await carried;
          if (failure instanceof TunnelError) throw tunnelFailure(failure);
        } finally {
          fifo.dispose();
        }
      } finally {
        await keyReady.then((k) => k.dispose()).catch(() => {});
      }
    });
}

async function managedKey(configDir: string, keygen: string): Promise<EphemeralKey> {
  const { paths, publicKey } = await ensureManagedKey(configDir, keygen);
  return { paths, publicKey, dispose: () => {} };
}

/** Runs ssh attached to our terminal and resolves to its exit status (128+n when killed by signal n). */
function runSSH(ssh: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    // Ctrl-C belongs to ssh (and the remote side); we only wait for it to finish.
    const ignore = () => {};
    process.on("SIGINT", ignore);
    process.on("SIGTERM", ignore);
    const child = spawn(ssh, args, { stdio: "inherit", env });
    const done = () => {
      process.off("SIGINT", ignore);
      process.off("SIGTERM", ignore);
    };
    child.on("error", (err) => {
      done();
      reject(
        new CLIError("ssh_not_found", `cannot run ${ssh}: ${err.message}`, {
          hint: "install the OpenSSH client (`apt-get install openssh-client`, or your OS's package), then `flare doctor`",
        }),
      );
    });
    child.on("exit", (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1));
    });
  });
}
