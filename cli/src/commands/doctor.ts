import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import nodePath from "node:path";
import { promisify } from "node:util";
import { meResponseSchema } from "@burstflare/sdk/schemas/auth";
import { healthSchema } from "@burstflare/sdk/schemas/health";
import { type App, examples } from "../app";
import { homeDir } from "../config";
import type { Context } from "../context";
import type { FlareCommand } from "../flare-command";
import { describeError } from "../output";
import { findBlock } from "../ssh/config-block";
import { fingerprint, managedPaths, sshKeyListSchema } from "../ssh/keys";

const execFileAsync = promisify(execFile);

type CheckStatus = "ok" | "warn" | "fail";
interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** One line per check, with the fix indented under anything that is not ok. */
function renderChecks(checks: Check[]): string {
  const mark: Record<CheckStatus, string> = { ok: "✓", warn: "!", fail: "✗" };
  return checks.map((c) => `${mark[c.status]} ${c.name}: ${c.detail}${c.fix && c.status !== "ok" ? `\n    fix: ${c.fix}` : ""}`).join("\n");
}

async function version(cmd: string, args: string[]): Promise<string | null> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, { timeout: 10_000 });
    return (stderr || stdout).trim().split("\n")[0] ?? "";
  } catch (err) {
    // `ssh -V` prints to stderr and exits 0; anything that ran at all counts as present.
    const e = err as { code?: unknown; stderr?: string };
    return typeof e.code === "number" && e.stderr ? e.stderr.trim().split("\n")[0]! : null;
  }
}

async function runChecks(ctx: Context, env: App["env"]): Promise<Check[]> {
  const checks: Check[] = [];
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  checks.push(
    major > 22 || (major === 22 && minor >= 12)
      ? { name: "node", status: "ok", detail: process.version }
      : { name: "node", status: "fail", detail: process.version, fix: "install Node.js 22.12 or newer" },
  );
  const ssh = env.BURSTFLARE_SSH ?? "ssh";
  const sshVersion = await version(ssh, ["-V"]);
  checks.push(
    sshVersion
      ? { name: "ssh client", status: "ok", detail: sshVersion }
      : {
          name: "ssh client",
          status: "fail",
          detail: `${ssh} not found`,
          fix: "install OpenSSH: `apt-get install openssh-client` (Debian/Ubuntu) or your OS's package",
        },
  );
  const keygen = env.BURSTFLARE_SSH_KEYGEN ?? "ssh-keygen";
  const keygenOK = (await version(keygen, ["-?"])) !== null;
  checks.push(
    keygenOK
      ? { name: "ssh-keygen", status: "ok", detail: "present" }
      : { name: "ssh-keygen", status: "fail", detail: `${keygen} not found`, fix: "install OpenSSH (it ships ssh-keygen)" },
  );

  let reachable = false;
  try {
    const health = await ctx.client.call("GET /api/health", { schema: healthSchema, auth: false });
    reachable = true;
    checks.push({
      name: "server",
      status: health.ok ? "ok" : "warn",
      detail: `${ctx.baseURL} (version ${health.version}, ${health.runtimeDriver} runtime)`,
    });
    if (!health.runtimeReachable) {
      checks.push({
        name: "runtime",
        status: "fail",
        detail: "the server cannot reach its runtime",
        fix: "operators: check the runtime host / containers binding (`npm run dev` starts the local one)",
      });
    }
  } catch (err) {
    const e = describeError(err, { baseURL: ctx.baseURL, usingEnvToken: ctx.usingEnvToken });
    checks.push({ name: "server", status: "fail", detail: e.message, fix: e.hint ?? `check --url / BURSTFLARE_URL (now ${ctx.baseURL})` });
  }

  const creds = ctx.store.get(ctx.baseURL);
  const mode = ctx.store.mode();
  if (mode !== null && mode !== 0o600) {
    checks.push({
      name: "credentials file",
      status: "fail",
      detail: `${ctx.store.file} has mode ${mode.toString(8)}`,
      fix: `chmod 600 ${ctx.store.file}`,
    });
  }
  let signedIn = false;
  if (!creds && !ctx.usingEnvToken) {
    checks.push({ name: "auth", status: "fail", detail: `not signed in to ${ctx.baseURL}`, fix: "run `flare auth login`" });
  } else if (reachable) {
    try {
      const me = await ctx.client.call("GET /api/auth/me", { schema: meResponseSchema });
      signedIn = true;
      checks.push({
        name: "auth",
        status: "ok",
        detail: `${me.user.email} in ${me.workspace.name} (${me.role})${ctx.usingEnvToken ? " via BURSTFLARE_TOKEN" : ""}`,
      });
    } catch (err) {
      const e = describeError(err, { baseURL: ctx.baseURL, usingEnvToken: ctx.usingEnvToken });
      checks.push({ name: "auth", status: "fail", detail: e.message, fix: e.hint });
    }
  }

  const paths = managedPaths(ctx.configDir);
  if (!existsSync(paths.publicKey)) {
    checks.push({
      name: "ssh key",
      status: "warn",
      detail: "no managed key yet",
      fix: "none needed: `flare ssh` or `flare config-ssh` creates and registers it",
    });
  } else if (signedIn) {
    try {
      const fp = fingerprint(readFileSync(paths.publicKey, "utf8"));
      const { keys } = await ctx.client.call("GET /api/auth/ssh-keys", { schema: sshKeyListSchema });
      checks.push(
        keys.some((k) => k.fingerprint === fp)
          ? { name: "ssh key", status: "ok", detail: `${fp} registered` }
          : {
              name: "ssh key",
              status: "warn",
              detail: `${fp} not registered with this account`,
              fix: "run `flare config-ssh` (or `flare ssh <session>`) to register it",
            },
      );
    } catch (err) {
      checks.push({ name: "ssh key", status: "warn", detail: (err as Error).message });
    }
  }

  const sshConfig = nodePath.join(homeDir(env), ".ssh", "config");
  let hasBlock = false;
  try {
    hasBlock = existsSync(sshConfig) && findBlock(readFileSync(sshConfig, "utf8")) !== null;
    checks.push(
      hasBlock
        ? { name: "ssh config", status: "ok", detail: `${sshConfig} has the BurstFlare block` }
        : {
            name: "ssh config",
            status: "warn",
            detail: "no BurstFlare block",
            fix: "run `flare config-ssh` so plain ssh/scp/rsync reach <session>.burstflare",
          },
    );
  } catch (err) {
    checks.push({
      name: "ssh config",
      status: "fail",
      detail: (err as Error).message,
      fix: `edit ${sshConfig} by hand, then \`flare config-ssh\``,
    });
  }
  return checks;
}

export function registerDoctor(program: FlareCommand, app: App): void {
  program
    .command("doctor")
    .description("Check this machine, the server's health and your sign-in, and say what to fix")
    .addHelpText("after", examples("flare doctor", "flare --json doctor | jq '.checks[] | select(.status != \"ok\")'"))
    .run(async (ctx) => {
      const checks = await runChecks(ctx, app.env);
      const ok = checks.every((c) => c.status !== "fail");
      ctx.out.result({ ok, checks }, () => `${renderChecks(checks)}\n\n${ok ? "all good" : "some checks failed"}`);
      if (!ok) app.exitCode = 1;
    });
}
