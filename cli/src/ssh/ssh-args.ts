import { configDir, type Env } from "../config";
import { DEFAULT_URL } from "../defaults";
import type { Self } from "../self";
import { HOST_SUFFIX } from "../sessions";
import type { HostEntry } from "./config-block";
import { quoteConfigValue, shellQuote } from "./config-block";
import type { ManagedPaths } from "./keys";

/**
 * The ProxyCommand line that re-invokes this CLI. Node and the bin are absolute paths so it works
 * from any shell; --url and --config-dir are spelled out only when they differ from the defaults.
 */
export function proxyCommand(self: Self, opts: { baseURL: string; configDir: string; env: Env; target: string }): string {
  const words = self.bin ? [self.node, self.bin] : [self.node];
  if (opts.baseURL !== DEFAULT_URL) words.push("--url", opts.baseURL);
  if (opts.configDir !== configDir({ HOME: opts.env.HOME })) words.push("--config-dir", opts.configDir);
  words.push("ssh-proxy", opts.target);
  // ssh pastes %n (the host name as typed, or as a git submodule URL names it) into this line
  // unescaped and runs it with the shell: quoted, `x$(cmd).burstflare` stays one literal word on an
  // ssh too old to refuse such names (CVE-2023-51385). The wildcard entry never matches a name
  // holding the quote itself (hostEntries).
  return words.map((w) => (w === "%n" ? `'${w}'` : shellQuote(w))).join(" ");
}

/** Options every BurstFlare connection uses: the managed key only, the managed known_hosts. */
function commonOptions(paths: ManagedPaths, hostKeyAlias: string | null): [string, string][] {
  const options: [string, string][] = [
    ["IdentityFile", quoteConfigValue(paths.privateKey)],
    ["IdentitiesOnly", "yes"],
    ["UserKnownHostsFile", quoteConfigValue(paths.knownHosts)],
    ["StrictHostKeyChecking", "accept-new"],
    ["ServerAliveInterval", "30"],
  ];
  // Known-hosts entries are keyed by session id, so renaming a session keeps its host key.
  if (hostKeyAlias) options.push(["HostKeyAlias", hostKeyAlias]);
  return options;
}

interface FlareSSHArgs {
  self: Self;
  /** A ProxyCommand of the caller's instead of `flare ssh-proxy` (flare ssh's own pipes). */
  proxy?: string;
  baseURL: string;
  configDir: string;
  env: Env;
  paths: ManagedPaths;
  session: { id: string; name: string };
  sshUser: string;
  forwardAgent?: boolean;
  localForwards?: string[];
  tty?: boolean | undefined;
  extraOptions?: string[];
  command?: string[];
}

/** argv for the system ssh as `flare ssh` runs it. */
export function flareSSHArgs(a: FlareSSHArgs): string[] {
  const args: string[] = [];
  const proxy = a.proxy ?? proxyCommand(a.self, { baseURL: a.baseURL, configDir: a.configDir, env: a.env, target: a.session.id });
  args.push("-o", `ProxyCommand=${proxy}`);
  for (const [k, v] of commonOptions(a.paths, `${a.session.id}${HOST_SUFFIX}`)) args.push("-o", `${k}=${v}`);
  // Quiet by default (no "Permanently added … to known hosts" on first use); errors still show.
  args.push("-o", "LogLevel=ERROR");
  args.push("-l", a.sshUser);
  if (a.forwardAgent) args.push("-A");
  for (const spec of a.localForwards ?? []) args.push("-L", spec);
  if (a.tty === true) args.push("-tt");
  if (a.tty === false) args.push("-T");
  for (const o of a.extraOptions ?? []) args.push("-o", o);
  args.push("--", `${a.session.name}${HOST_SUFFIX}`, ...(a.command ?? []));
  return args;
}

/**
 * A session name, id or login name as config-ssh may write it. ssh_config has no escaping: a space,
 * quote or line break in one would end the Host line or the option and start a directive of its own,
 * and a `*` or `?` would make the Host a pattern. The server holds names to `[a-z0-9-]` and login
 * names to `[a-z0-9_-]`, ids are base64url; the names are still other members' words, so anything
 * else is left out rather than written (a changed rule or a bad row must not reach the laptops).
 */
const CONFIG_WORD = /^[A-Za-z0-9_.-]+$/;

/** config-ssh's entries: one per session plus a wildcard that resolves other names on the fly. */
export function hostEntries(opts: {
  self: Self;
  baseURL: string;
  configDir: string;
  env: Env;
  paths: ManagedPaths;
  sessions: { id: string; name: string; sshUser: string | null }[];
  defaultUser: string | null;
  /** Told each session left out because its name or id cannot stand in an ssh config. */
  onSkipped?: (session: { id: string; name: string }) => void;
}): HostEntry[] {
  const base = { baseURL: opts.baseURL, configDir: opts.configDir, env: opts.env };
  const word = (w: string | null) => (w !== null && CONFIG_WORD.test(w) ? w : null);
  const defaultUser = word(opts.defaultUser);
  const writable = opts.sessions.filter((s) => {
    const ok = word(s.name) !== null && word(s.id) !== null;
    if (!ok) opts.onSkipped?.(s);
    return ok;
  });
  const entries: HostEntry[] = writable.map((s) => {
    const user = word(s.sshUser) ?? defaultUser;
    return {
      host: `${s.name}${HOST_SUFFIX}`,
      options: [
        ...(user ? ([["User", user]] as [string, string][]) : []),
        ["ProxyCommand", proxyCommand(opts.self, { ...base, target: s.id })],
        ...commonOptions(opts.paths, `${s.id}${HOST_SUFFIX}`),
      ],
    };
  });
  entries.push({
    host: `*${HOST_SUFFIX}`,
    exclude: ["*'*"],
    options: [
      ...(defaultUser ? ([["User", defaultUser]] as [string, string][]) : []),
      ["ProxyCommand", proxyCommand(opts.self, { ...base, target: "%n" })],
      ...commonOptions(opts.paths, null),
    ],
  });
  return entries;
}
