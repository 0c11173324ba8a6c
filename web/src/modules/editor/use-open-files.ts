import { useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { MAX_EDITABLE_BYTES, parentDir, readFile, treeQuery, useWriteFile } from "../../api/queries/files";
import { errorLine } from "../../components/states";

export interface OpenFile {
  path: string;
  text: string;
  /** Content as last read from or written to disk; dirty = text !== saved. */
  saved: string;
  mtimeMs: number;
  /** Bumped whenever `text` is replaced from disk, so the editor pushes it into its model. */
  loadVersion: number;
  loading: boolean;
  saving: boolean;
  binary: boolean;
  error: string | null;
  /** Set when the file changed on disk while it had unsaved edits here. */
  conflict: "changed" | "deleted" | null;
  /** The disk's mtime when the conflict was seen; "keep mine" accepts up to it. */
  diskMtimeMs: number;
  /** A short-lived note after a silent reload. */
  notice: string | null;
}

export const isDirty = (f: OpenFile) => !f.loading && !f.binary && f.text !== f.saved;

/**
 * The editor's open files: loads content, tracks dirty state, saves, and watches each file's
 * mtime through the (polled) directory listings, so a change made elsewhere — the terminal, another
 * tab — reloads a clean file and raises a notice on a dirty one instead of silently losing work.
 */
export function useOpenFiles(sessionId: string) {
  const qc = useQueryClient();
  const [files, setFiles] = useState<OpenFile[]>([]);
  const [activePath, setActivePath] = useState<string | null>(null);
  const write = useWriteFile(sessionId);
  const filesRef = useRef(files);
  filesRef.current = files;
  // A route change can hand a mounted workbench another session: one session's open files, their
  // text and unsaved edits, must not become the other's (a save would write them there), nor may
  // a read still answering for the session left.
  const [owner, setOwner] = useState(sessionId);
  const sessionRef = useRef(sessionId);
  sessionRef.current = sessionId;
  if (owner !== sessionId) {
    setOwner(sessionId);
    setFiles([]);
    setActivePath(null);
    filesRef.current = [];
  }

  const patch = useCallback((path: string, change: Partial<OpenFile>) => {
    setFiles((prev) => prev.map((f) => (f.path === path ? { ...f, ...change } : f)));
  }, []);

  const load = useCallback(
    async (path: string, reason: "open" | "reload") => {
      try {
        const content = await readFile(sessionId, path);
        if (sessionRef.current !== sessionId) return;
        setFiles((prev) =>
          prev.map((f) =>
            f.path === path
              ? {
                  ...f,
                  text: content.text,
                  saved: content.text,
                  mtimeMs: content.mtimeMs,
                  loadVersion: f.loadVersion + 1,
                  binary: content.binary,
                  loading: false,
                  error: null,
                  conflict: null,
                  notice: reason === "reload" ? "Reloaded: the file changed on disk." : null,
                }
              : f,
          ),
        );
      } catch (err) {
        if (sessionRef.current === sessionId) patch(path, { loading: false, error: errorLine(err) });
      }
    },
    [sessionId, patch],
  );

  const open = useCallback(
    (path: string, size?: number) => {
      setActivePath(path);
      if (filesRef.current.some((f) => f.path === path)) return;
      const tooBig = size !== undefined && size > MAX_EDITABLE_BYTES;
      setFiles((prev) => [
        ...prev,
        {
          path,
          text: "",
          saved: "",
          mtimeMs: 0,
          loadVersion: 0,
          loading: !tooBig,
          saving: false,
          binary: false,
          error: tooBig ? "This file is too large to edit in the browser." : null,
          conflict: null,
          diskMtimeMs: 0,
          notice: null,
        },
      ]);
      if (!tooBig) void load(path, "open");
    },
    [load],
  );

  const closeWhere = useCallback((drop: (path: string) => boolean) => {
    const prev = filesRef.current;
    const next = prev.filter((f) => !drop(f.path));
    filesRef.current = next;
    setFiles(next);
    setActivePath((active) => {
      if (!active || !drop(active)) return active;
      const index = prev.findIndex((f) => f.path === active);
      return next[Math.max(0, index - 1)]?.path ?? null;
    });
  }, []);

  const close = useCallback((path: string) => closeWhere((p) => p === path), [closeWhere]);

  const edit = useCallback((path: string, text: string) => patch(path, { text }), [patch]);

  const save = useCallback(
    async (path: string, current?: string) => {
      const file = filesRef.current.find((f) => f.path === path);
      if (!file || file.loading || file.binary || file.saving) return;
      const text = current ?? file.text;
      filesRef.current = filesRef.current.map((f) => (f.path === path ? { ...f, saving: true } : f));
      patch(path, { saving: true, text });
      try {
        const entry = await write.mutateAsync({ path, text });
        patch(path, { saved: text, mtimeMs: entry.mtimeMs, saving: false, conflict: null, error: null, notice: null });
      } catch (err) {
        patch(path, { saving: false, error: `Save failed — ${errorLine(err)}` });
      }
    },
    [patch, write],
  );

  const renamed = useCallback((from: string, to: string) => {
    const move = (p: string) => (p === from ? to : p.startsWith(`${from}/`) ? to + p.slice(from.length) : p);
    setFiles((prev) => prev.map((f) => ({ ...f, path: move(f.path) })));
    setActivePath((a) => (a ? move(a) : a));
  }, []);

  const deleted = useCallback((path: string) => closeWhere((p) => p === path || p.startsWith(`${path}/`)), [closeWhere]);

  // Watch open files through their parent directories' listings (shared with the file tree).
  const dirs = [...new Set(files.map((f) => parentDir(f.path)))];
  const listings = useQueries({ queries: dirs.map((dir) => treeQuery(sessionId, dir)) });
  const stamp = listings.map((l) => l.dataUpdatedAt).join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check exactly when a listing refreshes
  useEffect(() => {
    dirs.forEach((dir, i) => {
      const entries = listings[i]?.data;
      if (!entries) return;
      for (const f of filesRef.current) {
        if (parentDir(f.path) !== dir || f.loading || f.saving || f.error) continue;
        const entry = entries.find((e) => e.path === f.path);
        if (!entry) {
          if (f.conflict !== "deleted") patch(f.path, { conflict: "deleted" });
        } else if (entry.mtimeMs > f.mtimeMs) {
          if (isDirty(f)) {
            if (f.conflict !== "changed" || f.diskMtimeMs !== entry.mtimeMs)
              patch(f.path, { conflict: "changed", diskMtimeMs: entry.mtimeMs });
          } else {
            // Claim the new mtime first so the next poll does not reload again.
            patch(f.path, { mtimeMs: entry.mtimeMs });
            void load(f.path, "reload");
          }
        }
      }
    });
  }, [stamp]);

  const refreshListings = useCallback(() => {
    for (const dir of new Set(filesRef.current.map((f) => parentDir(f.path))))
      void qc.invalidateQueries({ queryKey: treeQuery(sessionId, dir).queryKey });
  }, [qc, sessionId]);

  return {
    sessionId,
    files,
    active: files.find((f) => f.path === activePath) ?? null,
    activePath,
    setActivePath,
    open,
    close,
    edit,
    save,
    reload: (path: string) => load(path, "reload"),
    keepMine: (path: string) => {
      const f = filesRef.current.find((x) => x.path === path);
      patch(path, { conflict: null, mtimeMs: Math.max(f?.mtimeMs ?? 0, f?.diskMtimeMs ?? 0) });
    },
    dismissNotice: (path: string) => patch(path, { notice: null }),
    renamed,
    deleted,
    refreshListings,
  };
}
