import { formatImportWarning } from "@burstflare/sdk/devcontainer";
import { ApiError } from "@burstflare/sdk/errors";
import { execEvent, SHA256_HEADER } from "@burstflare/sdk/protocol/agent";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import type { AppBindings } from "../env";
import { runClone } from "../git/clone";
import { gitSessionEnv, withoutGitSteering } from "../git/credentials";
import { bodySnippet, boundedJSON, SMALL_ANSWER_BYTES } from "../lib/bounded-body";
import { dbOf } from "../lib/db";
import { ndjsonValues } from "../lib/ndjson";
import { now } from "../lib/time";
import { getRuntimeDriver } from "../runtime-drivers/select";
import { secretMaskOf } from "../sessions/runtime-secrets";
import { buildArtifactKey, buildLogKey } from "../templates/keys";
import { parseManifest } from "../templates/templates-repo";
import { assertQuota } from "../workspaces/quotas";
import { secretsEnvFor } from "../workspaces/secrets";
import { findBuildSource, markBuildBuilding } from "./builds-repo";
import { BuildLog, noteLog } from "./log";

/** Everything a build's steps need, loaded once in the workflow's first step (JSON-serialisable). */
export interface BuildContext {
  buildId: string;
  attempt: number;
  workspaceId: string;
  templateId: string;
  versionId: string;
  version: string;
  /**
   * Who uploaded the version's bundle: the build runs their code and its minutes are metered to them;
   * it gets their git token only when they also created the version (never the creator's).
   */
  userId: string | null;
  /** Who created the version, and so wrote its manifest (not necessarily the uploader). */
  creatorId: string | null;
  manifest: Manifest;
  bundleKey: string;
  bundleSha256: string | null;
  logKey: string;
  startedAt: number;
}

export interface ArtifactInfo {
  key: string;
  sha256: string;
  bytes: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
}

const BUILD_TIMEOUT_MS = 30 * 60 * 1000;
const buildRuntimeId = (buildId: string): string => `build-${buildId}`;

/**
 * Marks the build `building` and loads its context; null when the build is gone or already
 * finished (a stale message), which ends the workflow without doing anything.
 */
export async function beginBuild(env: AppBindings, buildId: string, attempt: number): Promise<BuildContext | null> {
  const t = now();
  const db = dbOf(env);
  if (!(await markBuildBuilding(db, buildId, t))) return null;
  const row = await findBuildSource(db, buildId);
  if (!row?.bundleKey) return null;
  const ctx: BuildContext = {
    buildId,
    attempt,
    workspaceId: row.workspaceId,
    templateId: row.templateId,
    versionId: row.versionId,
    version: row.version,
    userId: row.uploadedBy,
    creatorId: row.createdBy,
    manifest: parseManifest(row.manifest),
    bundleKey: row.bundleKey,
    bundleSha256: row.bundleSha256,
    logKey: buildLogKey(row.workspaceId, buildId),
    startedAt: t,
  };
  await noteLog(env.BUCKET, ctx.logKey, `build ${buildId} attempt ${attempt}: version ${row.version}`);
  return ctx;
}

/**
 * The manifest's env for the build. The version's creator wrote it; when another member uploaded
 * the bundle, the build carries the uploader's token, so the creator's variables may not steer git.
 */
function manifestEnv(ctx: BuildContext): Record<string, string> {
  const env = ctx.manifest.env ?? {};
  return ctx.manifest.git && ctx.userId && ctx.creatorId !== ctx.userId ? withoutGitSteering(env) : env;
}

async function runtime(env: AppBindings, ctx: BuildContext): Promise<RuntimeInfo> {
  const info = await getRuntimeDriver(env).get(buildRuntimeId(ctx.buildId));
  if (!info) throw new Error("the build runtime is gone");
  return info;
}

export async function startBuildRuntime(env: AppBindings, ctx: BuildContext): Promise<void> {
  const driver = getRuntimeDriver(env);
  // Secrets and the git token are not in the runtime's own environment: the clone and the build
  // step get them with their command (runBuildCommand), read once there with the log's mask, so a
  // secret changed in between can neither run unmasked nor linger with its old value.
  await driver.start({
    runtimeId: buildRuntimeId(ctx.buildId),
    env: manifestEnv(ctx),
    persistedPaths: ctx.manifest.persistedPaths,
    previewPort: ctx.manifest.previewPort,
    resourceClass: ctx.manifest.resourceClass,
    fresh: true,
  });
  await noteLog(env.BUCKET, ctx.logKey, `runtime started (${driver.name})`);
}

/** Streams the bundle from R2 into the agent, which verifies the SHA-256 before unpacking. */
export async function importBundle(env: AppBindings, ctx: BuildContext): Promise<{ files: number; bytes: number }> {
  const info = await runtime(env, ctx);
  const object = await env.BUCKET.get(ctx.bundleKey);
  if (!object) throw new Error(`bundle ${ctx.bundleKey} is missing from R2`);
  const query = ctx.bundleSha256 ? `?sha256=${ctx.bundleSha256}` : "";
  const res = await getRuntimeDriver(env).fetchAgent(info, `/bundle/import${query}`, {
    method: "POST",
    headers: { "content-type": "application/gzip" },
    body: object.body.pipeThrough(new FixedLengthStream(object.size)),
  });
  if (!res.ok) throw new Error(`bundle import failed: ${res.status} ${await bodySnippet(res)}`);
  const result = (await boundedJSON(res, SMALL_ANSWER_BYTES)) as { files: number; bytes: number };
  await noteLog(env.BUCKET, ctx.logKey, `bundle unpacked: ${result.files} files, ${result.bytes} bytes`);
  return result;
}

/** Runs the manifest's build step, writing its output to the live log line by line. */
export async function runBuildCommand(env: AppBindings, ctx: BuildContext): Promise<CommandResult> {
  const secrets = await secretsEnvFor(env, ctx.workspaceId);
  // A git token goes into a build only when one member wrote both its manifest (repository, build
  // command) and its bundle: the uploader's, for a template that clones in its prebuild. When another
  // member created the version, its build command could print the uploader's token into the log.
  const tokenHolder = ctx.userId && ctx.creatorId === ctx.userId ? ctx.userId : null;
  const git = ctx.manifest.git && tokenHolder ? await gitSessionEnv(env, tokenHolder, ctx.workspaceId) : {};
  // Every member and viewer reads the log: the secrets of the build's environment are masked in it.
  const mask = secretMaskOf(secrets, git);
  const log = await BuildLog.open(env.BUCKET, ctx.logKey, mask);
  // What a devcontainer.json import could not honour is said again where the build is read.
  for (const w of ctx.manifest.imported?.warnings ?? []) log.note(`warning: ${formatImportWarning(w)}`);
  if (ctx.manifest.git && !tokenHolder)
    log.note("note: cloning without a git token: this version's manifest and its bundle come from different members");
  if (ctx.manifest.git) {
    // The template's repository lands in the artifact, so its sessions start with it cloned.
    const info = await runtime(env, ctx);
    log.note(`$ git clone ${ctx.manifest.git.url}${ctx.manifest.git.ref ? ` (${ctx.manifest.git.ref})` : ""}`);
    const cloned = await runClone(
      (path, init) => getRuntimeDriver(env).fetchAgent(info, path, init),
      ctx.manifest.git,
      (line) => log.append(`${line}\n`),
      { env: git, mask },
    );
    log.append(`${cloned.output}\n`);
    await log.flush();
    if (!cloned.ok) return { exitCode: 1, signal: null, durationMs: 0 };
  }
  if (!ctx.manifest.build) {
    log.note("no build step in the manifest");
    await log.flush();
    return { exitCode: 0, signal: null, durationMs: 0 };
  }
  log.note(`$ ${ctx.manifest.build}`);
  await log.flush();
  const info = await runtime(env, ctx);
  const res = await getRuntimeDriver(env).fetchAgent(info, "/exec", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      command: ctx.manifest.build,
      env: { ...(git.BF_GIT_TOKEN ? withoutGitSteering(secrets) : secrets), ...manifestEnv(ctx), ...git },
      timeoutMs: BUILD_TIMEOUT_MS,
    }),
  });
  if (!res.ok || !res.body) throw new Error(`exec failed: ${res.status} ${await bodySnippet(res)}`);
  let result: CommandResult | null = null;
  try {
    for await (const value of ndjsonValues(res.body)) {
      const event = execEvent.parse(value);
      if (event.type === "output") log.append(event.data);
      else result = { exitCode: event.code, signal: event.signal, durationMs: event.durationMs };
    }
  } finally {
    await log.flush();
  }
  if (!result) throw new Error("the build step's output ended without an exit status");
  log.note(`build step exited with ${result.signal ? `signal ${result.signal}` : `code ${result.exitCode}`} after ${result.durationMs} ms`);
  await log.flush();
  return result;
}

/**
 * Streams the persisted paths from the agent to R2, hashing on the way and checking the agent's hash.
 * An artifact that would take the workspace past its templateBytes quota is not stored: the build
 * step decides its size, so the upload's own check could not bound it. That is the build's failure
 * (`refused`), not an infrastructure error to retry.
 */
export async function exportArtifact(env: AppBindings, ctx: BuildContext): Promise<ArtifactInfo | { refused: string }> {
  const info = await runtime(env, ctx);
  const res = await getRuntimeDriver(env).fetchAgent(info, "/snapshot/export", { method: "POST" });
  const length = Number(res.headers.get("content-length"));
  if (!res.ok || !res.body || !Number.isFinite(length) || length <= 0) {
    throw new Error(`artifact export failed: ${res.status} ${res.ok ? "(no length)" : await bodySnippet(res)}`);
  }
  const refused = await assertQuota(env, ctx.workspaceId, "templateBytes", length).then(
    () => null,
    (err: unknown) =>
      err instanceof ApiError && err.code === "quota_exceeded"
        ? `artifact of ${length} bytes not stored: ${err.message}`
        : Promise.reject(err),
  );
  if (refused) {
    await res.body.cancel();
    await noteLog(env.BUCKET, ctx.logKey, refused);
    return { refused };
  }
  const key = buildArtifactKey(ctx.workspaceId, ctx.buildId);
  const [toR2, toHash] = res.body.tee();
  const digest = new crypto.DigestStream("SHA-256");
  const [, hash] = await Promise.all([
    env.BUCKET.put(key, toR2.pipeThrough(new FixedLengthStream(length)), { httpMetadata: { contentType: "application/gzip" } }),
    toHash.pipeTo(digest).then(() => digest.digest),
  ]);
  const sha256 = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const claimed = res.headers.get(SHA256_HEADER);
  if (claimed && claimed !== sha256) {
    await env.BUCKET.delete(key);
    throw new Error(`artifact hash mismatch: agent said ${claimed}, received ${sha256}`);
  }
  await noteLog(env.BUCKET, ctx.logKey, `artifact stored: ${length} bytes, sha256 ${sha256}`);
  return { key, sha256, bytes: length };
}

export async function stopBuildRuntime(env: AppBindings, buildId: string): Promise<void> {
  await getRuntimeDriver(env).stop(buildRuntimeId(buildId));
}
