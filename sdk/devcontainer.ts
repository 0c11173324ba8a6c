// biome-ignore-all lint/suspicious/noTemplateCurlyInString: devcontainer.json uses ${…} variables in plain strings
/**
 * devcontainer.json → BurstFlare template manifest. Pure (no I/O) so the CLI (`flare template
 * import`), the SPA ("Import devcontainer.json") and tests share one mapping; docs/templates.md
 * has the table key by key. Every key the runtime cannot honour becomes a warning with the
 * reason and what happens instead; the warnings ride in `manifest.imported` so the build log
 * and the SPA show them later. Nothing is dropped silently.
 */

import { parseJsonc } from "./jsonc";
import { envNameProblem, envValueProblem } from "./reserved-env";
import type { ResourceClass } from "./resource-classes";
import { type ImportWarning, type Manifest, type ManifestPort, manifestSchema, portAutoForward } from "./schemas/manifest";

export interface DevcontainerImport {
  manifest: Manifest;
  /** devcontainer `name`, a suggestion for the template's name. */
  name?: string;
  warnings: ImportWarning[];
}

export class DevcontainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DevcontainerError";
  }
}

/** Where a repository keeps it, in the order the spec looks. */
export const DEVCONTAINER_PATHS = [".devcontainer/devcontainer.json", ".devcontainer.json"] as const;

const IMAGE_INSTEAD =
  "sessions use BurstFlare's runtime image; install what the project needs in onCreateCommand into the workspace (npm ci, pip install --user, …): the build keeps it in the artifact";

const UNSUPPORTED: Record<string, [reason: string, instead: string]> = {
  image: ["a template cannot choose the container image", IMAGE_INSTEAD],
  build: ["a template cannot build its own image (Dockerfile)", IMAGE_INSTEAD],
  dockerFile: ["a template cannot build its own image (Dockerfile)", IMAGE_INSTEAD],
  context: ["a template cannot build its own image (Dockerfile)", IMAGE_INSTEAD],
  dockerComposeFile: [
    "there is no Docker Compose: each session is one runtime",
    "only this runtime starts; run extra services as processes from postStartCommand",
  ],
  service: ["there is no Docker Compose: each session is one runtime", "ignored"],
  runServices: ["there is no Docker Compose: each session is one runtime", "ignored"],
  initializeCommand: ["it runs on the developer's own machine before the container exists; there is none here", "not run"],
  mounts: ["sessions cannot mount host folders or volumes", "not mounted; persistedPaths keep workspace folders across sessions"],
  workspaceMount: ["sessions cannot mount host folders or volumes", "the workspace is the runtime's home folder"],
  runArgs: ["there is no container command line to pass arguments to", "ignored"],
  appPort: ["ports are not published on a host", "use forwardPorts; the ports panel opens or shares listening ports"],
  capAdd: ["sessions run without extra Linux capabilities", "ignored"],
  privileged: ["sessions are never privileged", "ignored"],
  securityOpt: ["sessions run under BurstFlare's own sandbox", "ignored"],
  init: ["the runtime already reaps processes", "ignored"],
  containerUser: ["each session runs as the runtime's one unprivileged user", "commands run as that user, with HOME set to the workspace"],
  updateRemoteUserUID: ["each session runs as the runtime's one unprivileged user", "ignored"],
  userEnvProbe: ["the environment comes from the template and workspace secrets", "ignored"],
  overrideCommand: ["the runtime's own agent is the container's command", "ignored"],
  shutdownAction: ["sessions sleep when idle and stop from the API", "idleTimeoutSeconds decides when a session sleeps"],
  waitFor: ["sessions start once the build artifact is restored; build steps always finish before", "ignored"],
  otherPortsAttributes: ["only ports listed by number get a label", "other ports show unlabelled"],
};

/** Keys mapped below; everything else in the file is reported as unknown. */
const MAPPED = new Set([
  "$schema",
  "name",
  "containerEnv",
  "remoteEnv",
  "forwardPorts",
  "portsAttributes",
  "onCreateCommand",
  "updateContentCommand",
  "postCreateCommand",
  "postStartCommand",
  "postAttachCommand",
  "remoteUser",
  "workspaceFolder",
  "customizations",
  "hostRequirements",
  "features",
]);

/** Keys of customizations.burstflare, copied onto the manifest as they are. */
const OURS = ["persistedPaths", "resourceClass", "previewPort", "idleTimeoutSeconds", "env", "git"] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const shellQuote = (arg: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

class Importer {
  readonly warnings: ImportWarning[] = [];
  warn(key: string, reason: string, instead: string): void {
    this.warnings.push({ key, reason, instead });
  }

  /** Workspace-folder variables become the agent's own; other `${…}` cannot be resolved here. */
  substitute(key: string, command: string): string {
    const out = command
      .replace(/\$\{(containerWorkspaceFolder|remoteWorkspaceFolder)\}/g, "${BURSTFLARE_WORKSPACE}")
      .replace(/\$\{(?:containerEnv|remoteEnv):([A-Za-z_][A-Za-z0-9_]*)\}/g, "${$1}");
    const left =
      /\$\{(localEnv|localWorkspaceFolder|localWorkspaceFolderBasename|containerWorkspaceFolderBasename|devcontainerId)[^}]*\}/.exec(out);
    if (left)
      this.warn(
        key,
        `\${${left[1]}…} refers to the developer's machine or container, which a session does not have`,
        "left as written; the shell sees it as is",
      );
    return out;
  }

  /** One lifecycle command (string, array or object form) as shell text, or null when empty/invalid. */
  command(key: string, value: unknown): string | null {
    if (value === undefined || value === null || value === "") return null;
    if (typeof value === "string") return this.substitute(key, value);
    if (Array.isArray(value)) {
      if (value.length === 0) return null;
      if (!value.every((a) => typeof a === "string")) {
        this.warn(key, "an array command must hold strings only", "not run");
        return null;
      }
      return this.substitute(key, value.map(shellQuote).join(" "));
    }
    if (isObject(value)) {
      // The object form runs its commands in parallel; the step fails when any of them fails.
      const parts: string[] = [];
      for (const [name, sub] of Object.entries(value)) {
        const text = this.command(`${key}.${name}`, sub);
        if (text) parts.push(`( echo ${shellQuote(`--> ${name}`)}\n${text}\n) & bf_p${parts.length}=$!`);
      }
      if (parts.length === 0) return null;
      const waits = parts.map((_, i) => `wait $bf_p${i} || bf_s=1`).join("; ");
      return `bf_s=0\n${parts.join("\n")}\n${waits}; [ "$bf_s" = 0 ]`;
    }
    this.warn(key, "a command must be a string, an array or an object", "not run");
    return null;
  }

  /** Several lifecycle commands as one script: each announced, the first failure ends it. */
  script(json: Record<string, unknown>, keys: string[]): string | undefined {
    const steps: string[] = [];
    for (const key of keys) {
      const text = this.command(key, json[key]);
      if (text) steps.push(`echo '==> ${key}'\n(\n${text}\n) || exit $?`);
    }
    return steps.length ? steps.join("\n") : undefined;
  }

  env(json: Record<string, unknown>): Record<string, string> | undefined {
    const env: Record<string, string> = {};
    for (const key of ["containerEnv", "remoteEnv"] as const) {
      const value = json[key];
      if (value === undefined) continue;
      if (!isObject(value)) {
        this.warn(key, "must be an object of NAME: value", "ignored");
        continue;
      }
      for (const [name, v] of Object.entries(value)) {
        const where = `${key}.${name}`;
        if (v === null) continue; // remoteEnv uses null to unset; nothing was set here to begin with
        if (typeof v !== "string") {
          this.warn(where, "the value is not a string", "not set");
          continue;
        }
        const problem = envNameProblem(name) ?? envValueProblem(v);
        if (problem) {
          this.warn(where, problem, "not set");
          continue;
        }
        if (/\$\{[^}]*\}/.test(v)) {
          this.warn(
            where,
            "devcontainer ${…} substitution in environment values is not supported",
            "not set; set it in a workspace secret or compute it in postStartCommand",
          );
          continue;
        }
        env[name] = v;
      }
    }
    return Object.keys(env).length ? env : undefined;
  }

  ports(json: Record<string, unknown>): ManifestPort[] {
    const byPort = new Map<number, ManifestPort>();
    const forward = json.forwardPorts;
    if (forward !== undefined && !Array.isArray(forward)) this.warn("forwardPorts", "must be an array", "ignored");
    for (const entry of Array.isArray(forward) ? forward : []) {
      const n = typeof entry === "number" ? entry : typeof entry === "string" && /^\d+$/.test(entry) ? Number(entry) : Number.NaN;
      if (Number.isInteger(n) && n >= 1 && n <= 65535) byPort.set(n, { port: n });
      else this.warn(`forwardPorts.${String(entry)}`, "only ports of the session itself can be forwarded (no host:port)", "ignored");
    }
    const attrs = json.portsAttributes;
    if (attrs !== undefined && !isObject(attrs)) this.warn("portsAttributes", "must be an object", "ignored");
    for (const [key, raw] of Object.entries(isObject(attrs) ? attrs : {})) {
      const where = `portsAttributes.${key}`;
      if (!/^\d+$/.test(key) || Number(key) < 1 || Number(key) > 65535) {
        this.warn(where, "only single port numbers are supported (no ranges or patterns)", "ignored");
        continue;
      }
      if (!isObject(raw)) continue;
      const port: ManifestPort = byPort.get(Number(key)) ?? { port: Number(key) };
      if (typeof raw.label === "string" && raw.label.trim()) port.label = raw.label.trim().slice(0, 100);
      if (raw.onAutoForward !== undefined) {
        const parsed = portAutoForward.safeParse(raw.onAutoForward);
        if (parsed.success) port.onAutoForward = parsed.data;
        else this.warn(`${where}.onAutoForward`, `unknown value ${JSON.stringify(raw.onAutoForward)}`, "ignored");
      }
      for (const other of Object.keys(raw)) {
        if (other !== "label" && other !== "onAutoForward") {
          this.warn(`${where}.${other}`, "ports are served over BurstFlare's own HTTPS proxy", "ignored");
        }
      }
      byPort.set(port.port, port);
    }
    return [...byPort.values()].slice(0, 64);
  }

  /** hostRequirements pick the smallest resource class that covers them. */
  resourceClass(value: unknown): ResourceClass | undefined {
    if (!isObject(value)) return undefined;
    const gib = (v: unknown) => {
      const m = typeof v === "string" ? /^(\d+(?:\.\d+)?)\s*(tb|gb|mb|kb)?$/i.exec(v.trim()) : null;
      if (!m) return 0;
      const unit = (m[2] ?? "gb").toLowerCase();
      return Number(m[1]) * ({ tb: 1024, gb: 1, mb: 1 / 1024, kb: 1 / 1024 ** 2 } as Record<string, number>)[unit]!;
    };
    const cpus = typeof value.cpus === "number" ? value.cpus : 0;
    const memory = gib(value.memory);
    for (const key of Object.keys(value)) {
      if (key !== "cpus" && key !== "memory") this.warn(`hostRequirements.${key}`, "resource classes set CPU and memory only", "ignored");
    }
    if (cpus > 1 || memory > 6) {
      this.warn(
        "hostRequirements",
        `asks for ${cpus || "?"} CPUs / ${memory || "?"} GiB; the largest class is large (1 CPU, 6 GiB)`,
        "resourceClass large",
      );
      return "large";
    }
    if (cpus > 0.5 || memory > 4) return "large";
    if (cpus > 0.25 || memory > 1) return "medium";
    return cpus || memory ? "small" : undefined;
  }

  customizations(value: unknown, manifest: Record<string, unknown>): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.warn("customizations", "must be an object", "ignored");
      return;
    }
    for (const [tool, settings] of Object.entries(value)) {
      if (tool !== "burstflare") {
        this.warn(
          `customizations.${tool}`,
          `settings for ${tool} are not applied`,
          "ignored; the workbench has its own editor and terminal",
        );
        continue;
      }
      if (!isObject(settings)) {
        this.warn("customizations.burstflare", "must be an object", "ignored");
        continue;
      }
      for (const [key, v] of Object.entries(settings)) {
        if (!(OURS as readonly string[]).includes(key)) {
          this.warn(`customizations.burstflare.${key}`, `not a key of ours (${OURS.join(", ")})`, "ignored");
        } else if (key === "env" && isObject(v)) {
          manifest.env = { ...(manifest.env as Record<string, string> | undefined), ...v };
        } else {
          manifest[key] = v;
        }
      }
    }
  }
}

/** Maps a parsed devcontainer.json; throws DevcontainerError when the result is not a valid manifest. */
export function mapDevcontainer(json: unknown): DevcontainerImport {
  if (!isObject(json)) throw new DevcontainerError("devcontainer.json must hold a JSON object");
  const im = new Importer();
  const manifest: Record<string, unknown> = { persistedPaths: ["."] };

  for (const key of Object.keys(json)) {
    if (key === "features" || key === "forwardPorts" || MAPPED.has(key)) continue;
    const known = UNSUPPORTED[key];
    if (known) im.warn(key, known[0], known[1]);
    else im.warn(key, "not a devcontainer.json property BurstFlare knows", "ignored");
  }
  if (isObject(json.features)) {
    for (const id of Object.keys(json.features)) {
      im.warn(`features.${id}`, "Dev Container Features install into a container image, which a template cannot change", IMAGE_INSTEAD);
    }
  } else if (json.features !== undefined) im.warn("features", "must be an object", "ignored");

  const env = im.env(json);
  if (env) manifest.env = env;
  const ports = im.ports(json);
  if (ports.length) {
    manifest.ports = ports;
    // The preview is the port the project wants opened, else the first one a preview can use.
    const usable = ports.filter((p) => p.port >= 1024 && p.onAutoForward !== "ignore");
    const preview = usable.find((p) => p.onAutoForward === "openPreview" || p.onAutoForward === "openBrowser") ?? usable[0];
    if (preview) manifest.previewPort = preview.port;
  }
  const build = im.script(json, ["onCreateCommand", "updateContentCommand", "postCreateCommand"]);
  if (build) manifest.build = build;
  // Mapped keys that do not carry over whole: a warning says what differs.
  const caveat = (key: string, reason: string, instead: string) => {
    if (json[key] !== undefined) im.warn(key, reason, instead);
  };
  caveat(
    "postAttachCommand",
    "the workbench, terminals and SSH attach without a hook",
    "runs once at each session start, after postStartCommand",
  );
  const bootstrap = im.script(json, ["postStartCommand", "postAttachCommand"]);
  if (bootstrap) manifest.bootstrap = bootstrap;
  caveat(
    "remoteUser",
    "each session runs as the runtime's one unprivileged user (no root, no sudo)",
    "commands run as that user, with HOME set to the workspace",
  );
  caveat(
    "workspaceFolder",
    "the workspace is always the runtime's home folder, holding the bundle",
    "${containerWorkspaceFolder} in commands becomes $BURSTFLARE_WORKSPACE",
  );
  const resourceClass = im.resourceClass(json.hostRequirements);
  if (resourceClass) manifest.resourceClass = resourceClass;
  im.customizations(json.customizations, manifest);

  const name = typeof json.name === "string" && json.name.trim() ? json.name.trim().slice(0, 200) : undefined;
  manifest.imported = { from: "devcontainer.json", ...(name ? { name } : {}), warnings: im.warnings.slice(0, 100) };
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DevcontainerError(`the mapped manifest is not valid: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return { manifest: parsed.data, name, warnings: im.warnings };
}

/** Parses JSONC text and maps it. */
export function importDevcontainer(text: string): DevcontainerImport {
  return mapDevcontainer(parseJsonc(text));
}

/** One line per warning, as the CLI prints it and the build log records it. */
export const formatImportWarning = (w: ImportWarning): string => `devcontainer.json ${w.key}: ${w.reason} — ${w.instead}`;
