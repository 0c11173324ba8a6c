/**
 * Which environment variables a workspace may hand to its runtime (secrets, manifest `env`).
 *
 * Session variables reach only the processes the agent starts for the user (terminals, exec,
 * SSH, build and bootstrap steps), never the host or the agent itself. This list is the
 * second line: names that change how any program starts (loader, interpreter and shell
 * start-up hooks, so even BurstFlare's own helpers inside the runtime would run session code)
 * and names BurstFlare sets itself are refused when saved and dropped when found in storage.
 *
 * Search-path variables of languages BurstFlare runs nothing in (PYTHONPATH, RUBYLIB,
 * CLASSPATH, GOPATH) stay allowed: projects set them routinely, and inside the runtime they
 * only affect the user's own programs. NODE_PATH is refused because the agent and its helpers
 * are Node programs; NODE_EXTRA_CA_CERTS and NODE_ENV stay allowed (trust and mode of the
 * user's own programs, no code is loaded).
 */

import { z } from "zod";

/** POSIX portable names: shells cannot export anything else, and `=` would split the entry. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME = ENV_NAME_PATTERN;
export const ENV_NAME_MAX = 128;
/** Per value; a runtime's whole session environment is bounded by the number of secrets as well. */
export const ENV_VALUE_MAX = 32 * 1024;

const RESERVED: Record<string, string> = {
  PATH: "it decides which programs run",
  HOME: "BurstFlare sets it to the workspace",
  SHELL: "BurstFlare sets the login shell",
  USER: "BurstFlare sets the runtime's user",
  LOGNAME: "BurstFlare sets the runtime's user",
  PWD: "BurstFlare sets the working directory",
  PORT: "BurstFlare sets the preview port",
  TMPDIR: "BurstFlare sets the runtime's temporary folder",
  IFS: "it changes how shells split words",
  ENV: "shells run the file it names at start-up",
  BASH_ENV: "bash runs the file it names at start-up",
  SHELLOPTS: "it switches bash options on at start-up",
  BASHOPTS: "it switches bash options on at start-up",
  PS4: "bash expands it when tracing, which runs commands",
  PROMPT_COMMAND: "bash runs it before every prompt",
  NODE_OPTIONS: "Node.js loads code from it at start-up",
  NODE_PATH: "it changes which modules Node.js loads",
  NODE_REPL_EXTERNAL_MODULE: "Node.js loads code from it at start-up",
  PYTHONSTARTUP: "Python runs the file it names at start-up",
  PYTHONHOME: "it changes which standard library Python loads",
  PYTHONINSPECT: "it changes how Python starts",
  PERL5OPT: "Perl loads code from it at start-up",
  PERL5LIB: "it changes which modules Perl loads",
  PERLLIB: "it changes which modules Perl loads",
  PERL5DB: "Perl runs it at start-up",
  RUBYOPT: "Ruby loads code from it at start-up",
  JAVA_TOOL_OPTIONS: "the JVM loads agents from it at start-up",
  _JAVA_OPTIONS: "the JVM loads agents from it at start-up",
  JDK_JAVA_OPTIONS: "the JVM loads agents from it at start-up",
  // The C library's own list of variables it strips for privileged programs.
  GCONV_PATH: "the C library loads code from it",
  GETCONF_DIR: "the C library reads it at start-up",
  GLIBC_TUNABLES: "it changes how the C library starts",
  HOSTALIASES: "it changes how the C library resolves names",
  LOCALDOMAIN: "it changes how the C library resolves names",
  LOCPATH: "the C library loads locale data from it",
  NIS_PATH: "it changes how the C library resolves names",
  NLSPATH: "the C library loads message catalogs from it",
  RESOLV_HOST_CONF: "it changes how the C library resolves names",
  RES_OPTIONS: "it changes how the C library resolves names",
  TZDIR: "the C library loads time zone data from it",
  SSH_AUTH_SOCK: "BurstFlare sets it for agent forwarding",
  SSH_CONNECTION: "BurstFlare sets it for SSH sessions",
  SSH_CLIENT: "BurstFlare sets it for SSH sessions",
  SSH_TTY: "BurstFlare sets it for SSH sessions",
  SSH_ORIGINAL_COMMAND: "BurstFlare sets it for SSH sessions",
};

const RESERVED_PREFIXES: [prefix: string, reason: string][] = [
  ["BURSTFLARE_", "BurstFlare owns the BURSTFLARE_ names"],
  ["LD_", "the dynamic linker loads code from LD_ variables"],
  ["DYLD_", "the dynamic linker loads code from DYLD_ variables"],
  ["MALLOC_", "MALLOC_ variables change how the C library starts"],
  ["BASH_FUNC_", "bash imports functions from BASH_FUNC_ variables"],
];

/**
 * The control plane's own facts about the session, which it adds after the workspace's
 * variables; the agent lets exactly these BURSTFLARE_ names through to user processes.
 */
export const PLATFORM_SESSION_ENV = [
  "BURSTFLARE_SESSION_ID",
  "BURSTFLARE_SESSION_NAME",
  "BURSTFLARE_WORKSPACE_ID",
  "BURSTFLARE_APP_ORIGIN",
] as const;

/**
 * Why a well-formed `name` may not be set by a workspace, or null when it may. Matching ignores
 * case: `path` is harmless on Linux, but nobody needs it and a case-folding tool would read it as PATH.
 */
export function reservedEnvReason(name: string): string | null {
  const upper = name.toUpperCase();
  const exact = Object.hasOwn(RESERVED, upper) ? RESERVED[upper] : undefined;
  if (exact) return `${name} is reserved: ${exact}`;
  const prefixed = RESERVED_PREFIXES.find(([prefix]) => upper.startsWith(prefix));
  if (prefixed) return `${name} is reserved: ${prefixed[1]}`;
  return null;
}

/** Why `name` may not be set by a workspace (syntax or reservation), or null when it may. */
export function envNameProblem(name: string): string | null {
  if (name.length === 0) return "an environment variable name must not be empty";
  if (name.length > ENV_NAME_MAX) return `environment variable names are at most ${ENV_NAME_MAX} characters`;
  if (!NAME.test(name)) {
    return `${JSON.stringify(name)} is not an environment variable name: use letters, digits and underscores, not starting with a digit`;
  }
  return reservedEnvReason(name);
}

export function envValueProblem(value: string): string | null {
  if (value.includes("\0")) return "an environment variable value must not contain a NUL character";
  if (value.length > ENV_VALUE_MAX) return `environment variable values are at most ${ENV_VALUE_MAX} characters`;
  return null;
}

export interface DroppedEnv {
  name: string;
  reason: string;
}

/**
 * The entries of `env` a workspace may set, and the ones it may not (names only: values can
 * be secrets). `allow` lets the control plane's own names through.
 */
export function partitionSessionEnv(
  env: Record<string, unknown>,
  allow: readonly string[] = [],
): { env: Record<string, string>; dropped: DroppedEnv[] } {
  const out: Record<string, string> = {};
  const dropped: DroppedEnv[] = [];
  for (const [name, value] of Object.entries(env)) {
    const reason =
      typeof value !== "string"
        ? "the value is not a string"
        : allow.includes(name) && NAME.test(name)
          ? envValueProblem(value)
          : (envNameProblem(name) ?? envValueProblem(value));
    if (reason) dropped.push({ name, reason });
    else out[name] = value as string;
  }
  return { env: out, dropped };
}

const nameError = (issue: { input?: unknown }) => envNameProblem(String(issue.input ?? "")) ?? undefined;

/**
 * A name a workspace may set (secrets, manifest `env`). The length and pattern checks stay
 * visible in the OpenAPI document; every message names the variable and says why.
 */
export const envNameSchema = z
  .string()
  .max(ENV_NAME_MAX, { error: nameError })
  .regex(ENV_NAME_PATTERN, { error: nameError })
  .superRefine((name, ctx) => {
    const reason = NAME.test(name) ? reservedEnvReason(name) : null;
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  });

export const envValueSchema = z
  .string()
  .max(ENV_VALUE_MAX, { error: `environment variable values are at most ${ENV_VALUE_MAX} characters` })
  .refine((value) => !value.includes("\0"), { error: "an environment variable value must not contain a NUL character" });
