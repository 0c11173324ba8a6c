import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import type { Writable } from "node:stream";
import { createGunzip } from "node:zlib";
import { ApiError } from "@burstflare/sdk/errors";
import type { ArchiveLimits, ArchiveSummary } from "./archive-safety";
import { TarGate } from "./tar-gate";

let gnuTar: string | null | undefined;

/**
 * GNU tar at a fixed path (never looked up on PATH), or null: then the JS extractor is used.
 * `BURSTFLARE_SNAPSHOT_UNPACK=js` forces the JS one (the bench compares both).
 */
export function findGnuTar(): string | null {
  if (gnuTar !== undefined) return gnuTar;
  gnuTar = null;
  if (process.env.BURSTFLARE_SNAPSHOT_UNPACK === "js") return null;
  for (const file of ["/usr/bin/tar", "/bin/tar"]) {
    if (!fs.existsSync(file)) continue;
    const res = spawnSync(file, ["--version"], { encoding: "utf8", env: { LC_ALL: "C" }, timeout: 5000 });
    if (res.status === 0 && res.stdout.includes("GNU tar")) {
      gnuTar = file;
      break;
    }
  }
  return gnuTar;
}

/** Resolves when the stream can take more, or is gone (its error is reported elsewhere). */
function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      stream.off("error", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
    stream.on("error", done);
  });
}

/**
 * The streamed restore at `tar xzf` speed: the body is gunzipped here, every header is judged by
 * TarGate before GNU tar may see it, and GNU tar writes the files into `staging` (in C, one
 * process, no per-file promise). Each compressed chunk passes `onChunk` first (the caller hashes
 * and counts there and may throw to stop). GNU tar runs with an empty environment (no
 * TAR_OPTIONS), keeps no owner, keeps modes (setuid/setgid already cleared by the gate) and by
 * its own default writes a symlink that points outside as a placeholder until the end. As with
 * the JS path, nothing is written outside `staging`, and the caller swaps it in only after the
 * hash matched.
 */
export async function extractStreamNative(
  tarFile: string,
  source: AsyncIterable<Buffer>,
  staging: string,
  limits: ArchiveLimits,
  keep: (entryPath: string) => boolean,
  onChunk: (chunk: Buffer) => void,
  symlinks: Set<string> = new Set(),
): Promise<ArchiveSummary> {
  const gate = new TarGate(limits, keep, symlinks);
  const child: ChildProcess = spawn(
    tarFile,
    ["-x", "-f", "-", "--no-same-owner", "--same-permissions", "--delay-directory-restore", "--warning=no-unknown-keyword"],
    { cwd: staging, env: { LC_ALL: "C", PATH: "/usr/bin:/bin" }, stdio: ["pipe", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => resolve(code));
    child.on("error", (err) => {
      stderr += err.message;
      resolve(-1);
    });
  });
  const stdin = child.stdin!;
  stdin.on("error", () => {}); // EPIPE when tar stopped early: its exit status says why
  let failure: unknown = null;
  const fail = (err: unknown) => {
    failure ??= err;
    child.kill("SIGKILL");
  };
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  gunzip.on("error", (err) => fail(new ApiError("bad_request", `not a valid tar.gz archive: ${err.message}`)));

  const consume = (async () => {
    try {
      for await (const raw of gunzip as AsyncIterable<Buffer>) {
        if (failure) continue;
        for (const piece of gate.push(raw)) {
          // tar is gone (it stopped on an error): the rest is only read; its exit status says why.
          if (stdin.destroyed) break;
          if (!stdin.write(piece)) await drained(stdin);
        }
        if (gate.ended && stdin.writable) stdin.end();
      }
    } catch (err) {
      fail(err);
    }
  })();

  try {
    // After a failure the rest is still read (and hashed) so the caller learns the whole body's hash.
    for await (const chunk of source) {
      onChunk(chunk);
      if (failure || gunzip.destroyed) continue;
      if (!gunzip.write(chunk)) await drained(gunzip);
    }
  } catch (err) {
    fail(err);
    gunzip.destroy();
    await consume;
    await exited;
    throw err;
  }
  gunzip.end();
  await consume;
  if (!failure) {
    try {
      gate.finish();
    } catch (err) {
      fail(err);
    }
  }
  if (stdin.writable) stdin.end();
  const code = await exited;
  if (failure) throw failure;
  if (code !== 0) throw new ApiError("bad_request", `tar could not unpack the archive: ${stderr.trim().slice(-500)}`);
  return { files: gate.files, bytes: gate.bytes };
}
