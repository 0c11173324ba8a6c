import type * as SSH2 from "ssh2";

type SSH2Module = typeof SSH2;
let loading: Promise<SSH2Module> | null = null;

/**
 * ssh2 is loaded on the first SSH connection, not at agent start: loading it costs more CPU
 * than the rest of the agent, and every session start waits for the agent to listen.
 */
export function loadSSH2(): Promise<SSH2Module> {
  loading ??= import("ssh2").then((m) => ((m as { default?: SSH2Module }).default ?? m) as SSH2Module);
  return loading;
}
