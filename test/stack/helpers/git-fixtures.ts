import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Git fixtures for the stack and e2e tests (issue 18): a private repository and a dotfiles one on
 * this machine. test/stack/helpers/git-host.ts serves them as an internet host the sessions reach.
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
  // A dotfiles repository whose install.sh leaves a mark in HOME (the workspace) and, like a careless
  // script, prints the git token it finds in its environment.
  const dots = mkdtempSync(path.join(os.tmpdir(), "bf-git-dots-"));
  git(["init", "-q", "-b", "main"], dots);
  writeFileSync(path.join(dots, ".aliases"), "alias ll='ls -l'\n");
  writeFileSync(
    path.join(dots, "install.sh"),
    '#!/bin/sh\necho "installing dotfiles"\necho "token for pushes: $BF_GIT_TOKEN"\necho done > "$HOME/installed-by-dotfiles"\n',
    {
      mode: 0o755,
    },
  );
  git(["add", "."], dots);
  git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "dots"], dots);
  git(["clone", "-q", "--bare", dots, path.join(root, "dotfiles.git")], root);
  for (const d of [work, dots]) rmSync(d, { recursive: true, force: true });
  return root;
}
