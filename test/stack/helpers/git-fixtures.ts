import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Git fixtures for the stack and e2e tests (issue 18): a private repository and a dotfiles one on
 * this machine, and `git http-backend` behind a basic-auth server started *inside a session's
 * network namespace*, where the session reaches it on its own loopback. Local runtimes cannot
 * reach the host (docs/security.md §4), and the test opens no hole in that.
 */

/** A bare repository with one commit on main, in a folder of this machine. */
export function privateRepo(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "bf-git-root-"));
  const work = mkdtempSync(path.join(os.tmpdir(), "bf-git-work-"));
  const git = (args: string[], cwd: string) => execFileSync("git", args, { cwd, stdio: "pipe" });
  git(["init", "-q", "-b", "main"], work);
  writeFileSync(path.join(work, "README.md"), "private hello\n");
  git(["add", "."], work);
  git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first"], work);
  git(["clone", "-q", "--bare", work, path.join(root, "private.git")], root);
  git(["clone", "-q", "--bare", work, path.join(root, "other.git")], root);
  // A dotfiles repository whose install.sh leaves a mark in HOME (the workspace).
  const dots = mkdtempSync(path.join(os.tmpdir(), "bf-git-dots-"));
  git(["init", "-q", "-b", "main"], dots);
  writeFileSync(path.join(dots, ".aliases"), "alias ll='ls -l'\n");
  writeFileSync(path.join(dots, "install.sh"), '#!/bin/sh\necho "installing dotfiles"\necho done > "$HOME/installed-by-dotfiles"\n', {
    mode: 0o755,
  });
  git(["add", "."], dots);
  git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "dots"], dots);
  git(["clone", "-q", "--bare", dots, path.join(root, "dotfiles.git")], root);
  return root;
}

/** A process of the session's runtime inside its network namespace (the runtime's pid or a descendant). */
export function netnsPid(rootPid: number): number {
  const own = readlinkSync("/proc/self/ns/net");
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift() as number;
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== own) return pid;
    } catch {}
    queue.push(...(children.get(pid) ?? []));
  }
  throw new Error(`no process of runtime ${rootPid} is in its own network namespace`);
}

/** Starts the git server inside the session's network namespace: its loopback, not the host's. */
export async function serveInSession(pid: number, root: string, port: number, token: string): Promise<ChildProcess> {
  const child = spawn(
    "nsenter",
    [
      `--net=/proc/${pid}/ns/net`,
      process.execPath,
      path.join(import.meta.dirname, "git-server.mjs"),
      root,
      String(port),
      "x-access-token",
      token,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`git server exited ${code}`)));
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes('"listening"')) resolve();
    });
  });
  return child;
}
