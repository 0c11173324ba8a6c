import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_URL } from "../defaults";
import { terminalJSON, terminalSafe } from "../terminal-text";
import { bridge, exitOnHangup, openTunnel, sshTunnelURL, TunnelError } from "./tunnel";

/** `flare ssh` hands its freshly minted token to the proxy it spawns through ssh's environment. */
export const SSH_TOKEN_ENV = "BURSTFLARE_SSH_TOKEN";
export const SSH_TOKEN_SESSION_ENV = "BURSTFLARE_SSH_TOKEN_SESSION";

/**
 * The ssh-proxy of a `flare ssh` connection, which already holds its token: it needs no API call,
 * so it skips loading commander, zod and the contract, and ssh connects that much sooner. Returns
 * null when the invocation is anything else, for the full CLI to handle.
 */
export async function tryFastProxy(argv: string[], env: Record<string, string | undefined>): Promise<number | null> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch {
    return null;
  }
  const [command, sessionId, ...rest] = parsed.positionals;
  if (command !== "ssh-proxy" || !sessionId || rest.length > 0) return null;
  const token = parsed.values["token-file"] ? readFileSync(parsed.values["token-file"], "utf8").trim() : env[SSH_TOKEN_ENV];
  const tokenFor = parsed.values["token-file"] ? sessionId : env[SSH_TOKEN_SESSION_ENV];
  if (!token || tokenFor !== sessionId) return null;
  const baseURL = parsed.values.url ?? env.BURSTFLARE_URL ?? DEFAULT_URL;
  exitOnHangup();
  try {
    const tunnel = await openTunnel(sshTunnelURL(baseURL, sessionId), token);
    await bridge(tunnel, process.stdin, process.stdout);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (parsed.values.json) {
      const code = err instanceof TunnelError ? err.code : "internal";
      process.stderr.write(`${terminalJSON({ error: { code, message } })}\n`);
    } else {
      process.stderr.write(`error: ${terminalSafe(message)}\n`);
      if (err instanceof TunnelError && err.status === 401) {
        process.stderr.write("  fix: the ssh token is short-lived and single-use; connect again (flare mints a fresh one)\n");
      }
    }
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { url: { type: "string" }, "config-dir": { type: "string" }, json: { type: "boolean" }, "token-file": { type: "string" } },
  });
}
