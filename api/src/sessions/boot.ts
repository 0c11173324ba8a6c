import { ApiError } from "@burstflare/sdk/errors";
import { type ExecEvent, execEvent } from "@burstflare/sdk/protocol/agent";
import type { LifecyclePhase } from "@burstflare/sdk/states";
import { artifactSha256 } from "../builds/builds-repo";
import type { AppBindings } from "../env";
import { cloneGitSource } from "../git/clone";
import { dotfilesAtBoot } from "../git/dotfiles";
import { bodySnippet } from "../lib/bounded-body";
import { dbOf } from "../lib/db";
import { ndjsonValues } from "../lib/ndjson";
import type { SecretMask } from "../lib/secret-mask";
import { type FetchAgent, latestReadySnapshot, restoreSnapshot, type SessionRef } from "../snapshots/store";
import { bundleSha256 } from "../templates/templates-repo";
import type { SessionConfig } from "./records";

export interface BootContext {
  env: AppBindings;
  session: SessionRef;
  config: SessionConfig;
  fetchAgent: FetchAgent;
  /** Records and emits a lifecycle phase before its work begins. */
  phase(phase: LifecyclePhase, message?: string): Promise<void>;
  warn(message: string): Promise<void>;
  /** The secrets of the runtime's environment, kept out of what the boot reports (lib/secret-mask.ts). */
  mask: SecretMask;
  /** The runtime kept its workspace folder, sealed for the restore point: nothing to unpack. */
  kept?: boolean;
}

const OUTPUT_TAIL_CHARS = 2000;

async function sha256Of(env: AppBindings, table: "artifact" | "bundle", key: string): Promise<string | null> {
  const db = dbOf(env);
  return table === "artifact" ? artifactSha256(db, key) : bundleSha256(db, key);
}

/** Streams an R2 object into an agent import endpoint; the agent verifies the SHA-256 first. */
async function importObject(ctx: BootContext, key: string, kind: "artifact" | "bundle"): Promise<void> {
  const object = await ctx.env.BUCKET.get(key);
  if (!object) throw new ApiError("gone", `template ${kind} ${key} is missing from storage`);
  const sha = await sha256Of(ctx.env, kind, key);
  const path = kind === "artifact" ? "/snapshot/import" : "/bundle/import";
  const res = await ctx.fetchAgent(sha ? `${path}?sha256=${sha}` : path, {
    method: "POST",
    body: object.body,
    headers: { "content-type": "application/gzip", "content-length": String(object.size) },
  });
  if (!res.ok) throw new ApiError("runtime_unavailable", `agent refused the template ${kind}: ${res.status} ${await bodySnippet(res)}`);
  await res.body?.cancel().catch(() => {});
}

/** Runs a command through the agent's /exec and returns its exit and the tail of its output. */
export async function execInRuntime(
  fetchAgent: FetchAgent,
  command: string,
  env: Record<string, string> = {},
  /** Each output chunk as it arrives (progress of a clone). */
  onOutput?: (data: string) => void,
): Promise<{ code: number | null; signal: string | null; output: string; cut: boolean }> {
  const res = await fetchAgent("/exec", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ command, env }),
  });
  if (!res.ok || !res.body) throw new ApiError("runtime_unavailable", `agent refused exec: ${res.status}`);
  let output = "";
  let cut = false;
  let exit: Extract<ExecEvent, { type: "exit" }> | null = null;
  for await (const value of ndjsonValues(res.body)) {
    const parsed = execEvent.safeParse(value);
    if (!parsed.success) continue;
    if (parsed.data.type === "output") {
      output += parsed.data.data;
      if (output.length > OUTPUT_TAIL_CHARS) {
        output = output.slice(-OUTPUT_TAIL_CHARS);
        cut = true;
      }
      onOutput?.(parsed.data.data);
    } else exit = parsed.data;
  }
  if (!exit) throw new ApiError("runtime_unavailable", "agent exec ended without an exit status");
  return { code: exit.code, signal: exit.signal, output, cut };
}

/**
 * A session starts from its version's build artifact (or bundle), then the
 * latest ready snapshot, then the bootstrap step. A bootstrap that exits non-zero leaves the
 * session usable (the user can fix it in the shell) and is reported as a warning.
 */
export async function restoreAndBootstrap(ctx: BootContext): Promise<void> {
  const { config } = ctx;
  // The artifact lands in the persisted paths only and the restore point replaces them; a kept
  // folder already equals that result (the host removed everything outside the persisted paths).
  if (!ctx.kept && (config.artifactKey || config.bundleKey)) {
    await ctx.phase("restoring_artifact");
    if (config.artifactKey) await importObject(ctx, config.artifactKey, "artifact");
    else if (config.bundleKey) await importObject(ctx, config.bundleKey, "bundle");
  }
  const snapshot = ctx.kept ? null : await latestReadySnapshot(ctx.env, ctx.session.id);
  if (snapshot) {
    await ctx.phase("restoring_snapshot", `snapshot ${snapshot.id}`);
    await restoreSnapshot(ctx.env, snapshot, ctx.fetchAgent);
  }
  // The session's repository, before bootstrap so its steps can use it; skipped once cloned.
  if (config.manifest.git) await cloneGitSource(ctx, config.manifest.git);
  await dotfilesAtBoot(ctx);
  if (config.manifest.bootstrap) {
    await ctx.phase("bootstrapping");
    const result = await execInRuntime(ctx.fetchAgent, config.manifest.bootstrap);
    if (result.code !== 0) {
      await ctx.warn(`bootstrap exited ${result.code ?? result.signal}: ${ctx.mask.tail(result.output, 500, result.cut)}`);
    }
  }
}
