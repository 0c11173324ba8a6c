import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { type Manifest, manifestSchema } from "@burstflare/sdk/schemas/manifest";
import { CLIError } from "./output";

/** The template manifest a bundle directory may carry at its root. */
export const MANIFEST_FILE = "burstflare.json";

/** Never worth shipping: VCS metadata. */
const SKIP = new Set([".git", ".hg", ".svn"]);

export interface ManifestFlags {
  persist?: string[];
  build?: string;
  bootstrap?: string;
  previewPort?: number;
  idleTimeout?: number;
  env?: string[];
  manifest?: string;
}

/** burstflare.json (or --manifest) first, then flags on top; validated with the shared schema. */
export function resolveManifest(source: string, flags: ManifestFlags): Manifest {
  let base: Record<string, unknown> = {};
  const file = flags.manifest ?? (isDirectory(source) ? path.join(source, MANIFEST_FILE) : null);
  if (file && existsSync(file)) {
    try {
      base = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new CLIError("invalid_manifest", `${file} is not valid JSON: ${(err as Error).message}`, {
        hint: `fix the JSON in ${file} (no comments or trailing commas), or pass the settings as flags`,
      });
    }
  } else if (flags.manifest) {
    throw new CLIError("not_found", `manifest file ${flags.manifest} does not exist`);
  }
  const merged: Record<string, unknown> = { ...base };
  if (flags.persist?.length) merged.persistedPaths = flags.persist;
  if (flags.build !== undefined) merged.build = flags.build;
  if (flags.bootstrap !== undefined) merged.bootstrap = flags.bootstrap;
  if (flags.previewPort !== undefined) merged.previewPort = flags.previewPort;
  if (flags.idleTimeout !== undefined) merged.idleTimeoutSeconds = flags.idleTimeout;
  if (flags.env?.length) {
    const env: Record<string, string> = { ...(base.env as Record<string, string> | undefined) };
    for (const pair of flags.env) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new CLIError("usage", `--env takes NAME=value, got "${pair}"`, { exitCode: 2 });
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    merged.env = env;
  }
  const parsed = manifestSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CLIError("invalid_manifest", `manifest: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`, {
      hint: `fix ${file ?? "the flags"}; fields: persistedPaths, build, bootstrap, previewPort, env, idleTimeoutSeconds`,
    });
  }
  return parsed.data;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface Bundle {
  file: string;
  bytes: number;
  /** Removes the temporary archive (a no-op for a user's own .tar.gz). */
  cleanup(): void;
}

/** A directory becomes a temporary .tar.gz of its contents; a .tar.gz is used as is. */
export async function prepareBundle(source: string): Promise<Bundle> {
  if (!existsSync(source)) throw new CLIError("not_found", `${source} does not exist`);
  if (!isDirectory(source)) {
    if (!/\.(tar\.gz|tgz)$/.test(source)) {
      throw new CLIError("usage", `${source} is neither a directory nor a .tar.gz`, { exitCode: 2 });
    }
    return { file: source, bytes: statSync(source).size, cleanup() {} };
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), "flare-bundle-"));
  const file = path.join(tmp, "bundle.tar.gz");
  const entries = readdirSync(source).filter((e) => !SKIP.has(e));
  if (entries.length === 0) throw new CLIError("usage", `${source} is empty`, { exitCode: 2 });
  const { create: createTar } = await import("tar");
  await createTar({ gzip: true, file, cwd: source, portable: true, filter: (p) => !p.split("/").some((seg) => SKIP.has(seg)) }, entries);
  return { file, bytes: statSync(file).size, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** A web stream of the file that reports every chunk it hands on (for a progress bar). */
export function fileStreamWithProgress(file: string, onChunk: (bytes: number) => void): ReadableStream<Uint8Array> {
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onChunk(chunk.length);
      done(null, chunk);
    },
  });
  const source = createReadStream(file);
  source.on("error", (err) => counter.destroy(err));
  return Readable.toWeb(source.pipe(counter)) as ReadableStream<Uint8Array>;
}
