import { randomBytes } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { baseURL, expectOK, runtimeApi } from "./api";
import { TerminalClient } from "./terminal";
import { STACK_STATE_DIR, type StackUser } from "./users";

/** Files written through the files API: binary, empty, nested, and names with spaces, unicode, dashes, dots, '#' and '%'. */
export function sampleTree(root: string): Record<string, Buffer> {
  return {
    [`${root}/all-bytes.bin`]: Buffer.from(Array.from({ length: 256 * 64 }, (_, i) => i % 256)),
    [`${root}/random.bin`]: randomBytes(512 * 1024),
    [`${root}/empty.txt`]: Buffer.alloc(0),
    [`${root}/a/b/c/d/e/deep.txt`]: Buffer.from("five levels down\n"),
    [`${root}/with space/file name.txt`]: Buffer.from("spaces\n"),
    [`${root}/ünïcødé/名前 ✓.txt`]: Buffer.from("unicode names\n"),
    [`${root}/-leading-dash.txt`]: Buffer.from("dash\n"),
    [`${root}/.hidden`]: Buffer.from("dotfile\n"),
    [`${root}/odd #1 100%.txt`]: Buffer.from("hash and percent\n"),
  };
}

const fileURL = (sessionId: string, p: string) => `${baseURL()}/runtime/sessions/${sessionId}/files/content?path=${encodeURIComponent(p)}`;

export async function putFile(user: StackUser, sessionId: string, p: string, body: Buffer | string): Promise<void> {
  await expectOK(
    await fetch(fileURL(sessionId, p), {
      method: "PUT",
      headers: user.headers,
      body: typeof body === "string" ? body : new Uint8Array(body),
    }),
  );
}

export async function readFile(user: StackUser, sessionId: string, p: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(fileURL(sessionId, p), { headers: user.headers });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

export async function deleteFile(user: StackUser, sessionId: string, p: string): Promise<void> {
  await expectOK(await runtimeApi(user, "DELETE", sessionId, "files", { query: { path: p } }));
}

/** What the files API cannot make: an empty directory, a symlink, an executable. Written in the real shell. */
export async function shellExtras(user: StackUser, sessionId: string, root: string): Promise<void> {
  const term = await TerminalClient.open(sessionId, user.headers);
  try {
    term.send(
      `mkdir -p ${root}/empty-dir && ln -s ../empty.txt ${root}/a/link && printf '#!/bin/sh\\necho hi\\n' > ${root}/run.sh && chmod 755 ${root}/run.sh && echo EXTRAS-$((40+2))\r`,
    );
    await term.waitFor("EXTRAS-42");
  } finally {
    await term.close();
  }
}

/** Writes sampleTree(root) through the files API plus shellExtras: every kind of entry a snapshot must keep. */
export async function writeSampleTree(user: StackUser, sessionId: string, root: string): Promise<Record<string, Buffer>> {
  const tree = sampleTree(root);
  for (const [p, bytes] of Object.entries(tree)) await putFile(user, sessionId, p, bytes);
  await shellExtras(user, sessionId, root);
  return tree;
}

let digestCount = 0;

/**
 * A digest of a directory as the runtime's own shell sees it: every entry's type, mode, path and
 * symlink target, plus the SHA-256 of every file. Equal digests mean byte-identical trees.
 */
export async function treeDigest(user: StackUser, sessionId: string, root: string): Promise<string> {
  const tag = `DIGEST${++digestCount}${randomBytes(3).toString("hex")}`;
  const term = await TerminalClient.open(sessionId, user.headers);
  try {
    term.send(
      `(cd ${root} 2>/dev/null && { find . -printf '%y %m %p -> %l\\n' | LC_ALL=C sort; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum; } | sha256sum | sed 's/^/${tag}=/')\r`,
    );
    const pattern = new RegExp(`${tag}=([0-9a-f]{64})`);
    await term.waitFor(pattern, 60_000);
    return pattern.exec(term.output)?.[1] ?? "";
  } finally {
    await term.close();
  }
}

/** Runs one shell command in the session and waits for it to finish. */
export async function shell(user: StackUser, sessionId: string, command: string, timeoutMs = 120_000): Promise<void> {
  const tag = `DONE${randomBytes(4).toString("hex")}`;
  const term = await TerminalClient.open(sessionId, user.headers);
  try {
    term.send(`${command}; echo ${tag.slice(0, 4)}"${tag.slice(4)}"-$?\r`);
    await term.waitFor(`${tag}-0`, timeoutMs);
  } finally {
    await term.close();
  }
}

const BLOBS = path.join(STACK_STATE_DIR, "v3/r2/burstflare/blobs");

/** The local R2 blob files of the stack and their sizes: a new, growing one is an upload in progress. */
export async function r2Blobs(): Promise<Map<string, number>> {
  const names = await readdir(BLOBS).catch(() => [] as string[]);
  const out = new Map<string, number>();
  for (const name of names) {
    const s = await stat(path.join(BLOBS, name)).catch(() => null);
    if (s) out.set(name, s.size);
  }
  return out;
}

/** Whether the stack's local R2 holds an object under `key` (read with wrangler, like an operator would). */
export async function r2ObjectExists(key: string): Promise<boolean> {
  const { execFile } = await import("node:child_process");
  const root = path.resolve(import.meta.dirname, "../../..");
  return new Promise((resolve, reject) => {
    execFile(
      path.join(root, "node_modules/.bin/wrangler"),
      ["r2", "object", "get", `burstflare/${key}`, "--local", "--persist-to", STACK_STATE_DIR, "--pipe"],
      { cwd: root, env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" }, maxBuffer: 512 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (!err) return resolve(true);
        if (/not found|does not exist/i.test(`${stderr} ${err.message}`)) return resolve(false);
        reject(new Error(`wrangler r2 object get failed: ${stderr || err.message}`));
      },
    );
  });
}
