import type { FileEntry } from "@burstflare/sdk/protocol/agent";
import { type QueryClient, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { client, send } from "../client";

/** The session's file API (runtime agent, through the session's Durable Object). Paths are workspace-relative. */
const base = (sessionId: string) => `/runtime/sessions/${encodeURIComponent(sessionId)}/files`;
const withPath = (url: string, path: string) => `${url}?${new URLSearchParams({ path })}`;

const fileKeys = {
  all: (sessionId: string) => ["files", sessionId] as const,
  tree: (sessionId: string, dir: string) => ["files", sessionId, "tree", dir] as const,
};

export function parentDir(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

function sortEntries(entries: FileEntry[]): FileEntry[] {
  return [...entries].sort((a, b) =>
    (a.type === "directory") === (b.type === "directory") ? a.name.localeCompare(b.name) : a.type === "directory" ? -1 : 1,
  );
}

/** One directory level. Polled while shown, so files made in the terminal appear and mtimes stay fresh. */
export const treeQuery = (sessionId: string, dir: string) =>
  queryOptions({
    queryKey: fileKeys.tree(sessionId, dir),
    queryFn: async ({ signal }) =>
      sortEntries((await client.request<{ entries: FileEntry[] }>("GET", withPath(`${base(sessionId)}/tree`, dir), { signal })).entries),
    refetchInterval: 4_000,
    staleTime: 1_000,
  });

export const MAX_EDITABLE_BYTES = 5 * 1024 * 1024;

interface FileContent {
  text: string;
  mtimeMs: number;
  /** NUL bytes found: shown as a notice rather than garbled text. */
  binary: boolean;
}

export async function readFile(sessionId: string, path: string): Promise<FileContent> {
  const res = await send("GET", withPath(`${base(sessionId)}/content`, path));
  const bytes = new Uint8Array(await res.arrayBuffer());
  const binary = bytes.subarray(0, 8192).includes(0);
  return {
    text: binary ? "" : new TextDecoder().decode(bytes),
    mtimeMs: Number(res.headers.get("x-file-mtime")) || 0,
    binary,
  };
}

function refreshDir(qc: QueryClient, sessionId: string, dir: string) {
  return qc.invalidateQueries({ queryKey: fileKeys.tree(sessionId, dir) });
}

export function useWriteFile(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ path, text }: { path: string; text: string }) => {
      const res = await send("PUT", withPath(`${base(sessionId)}/content`, path), text, {
        headers: { "content-type": "application/octet-stream" },
      });
      return (await res.json()) as FileEntry;
    },
    onSuccess: (_entry, { path }) => refreshDir(qc, sessionId, parentDir(path)),
  });
}

export function useMakeDirectory(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (path: string) => client.request<FileEntry>("POST", `${base(sessionId)}/mkdir`, { body: { path } }),
    onSuccess: (_e, path) => refreshDir(qc, sessionId, parentDir(path)),
  });
}

export function useRenamePath(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ from, to }: { from: string; to: string }) =>
      client.request<FileEntry>("POST", `${base(sessionId)}/rename`, { body: { from, to } }),
    onSuccess: (_e, { from, to }) => Promise.all([refreshDir(qc, sessionId, parentDir(from)), refreshDir(qc, sessionId, parentDir(to))]),
  });
}

export function useDeletePath(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (path: string) => client.request<{ ok: true }>("DELETE", withPath(base(sessionId), path)),
    onMutate: async (path) => {
      // Optimistic: the entry leaves the tree at once; a refusal brings it back on refetch.
      const key = fileKeys.tree(sessionId, parentDir(path));
      await qc.cancelQueries({ queryKey: key });
      qc.setQueryData<FileEntry[]>(key, (prev) => prev?.filter((e) => e.path !== path));
    },
    onSettled: (_d, _e, path) => refreshDir(qc, sessionId, parentDir(path)),
  });
}
