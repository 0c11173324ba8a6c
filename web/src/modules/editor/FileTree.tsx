import type { FileEntry } from "@burstflare/sdk/protocol/agent";
import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { joinPath, parentDir, treeQuery, useDeletePath, useMakeDirectory, useRenamePath, useWriteFile } from "../../api/queries/files";
import { ConfirmRemoval } from "../../components/ConfirmDialog";
import { IconButton, TrashButton } from "../../components/IconButton";
import { ChevronDownIcon, ChevronRightIcon, FileIcon, FilePlusIcon, FolderIcon, FolderPlusIcon, PencilIcon } from "../../components/icons";
import { describeError } from "../../components/states";
import { revealName, VisibleName } from "./VisibleName";

type Editing = { kind: "new-file" | "new-folder"; dir: string } | { kind: "rename"; entry: FileEntry };

interface Props {
  sessionId: string;
  activePath: string | null;
  onOpen: (path: string) => void;
  onRenamed: (from: string, to: string) => void;
  onDeleted: (path: string) => void;
}

/**
 * Workspace files, one directory level fetched per expanded folder; create, rename, delete inline.
 * Names show hidden and bidi characters as escapes (VisibleName); operations use the real path.
 */
export function FileTree({ sessionId, activePath, onOpen, onRenamed, onDeleted }: Props) {
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set([""]));
  const [selectedDir, setSelectedDir] = useState("");
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<FileEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const writeFile = useWriteFile(sessionId);
  const mkdir = useMakeDirectory(sessionId);
  const rename = useRenamePath(sessionId);
  const remove = useDeletePath(sessionId);

  const fail = (err: unknown) => setError(`${describeError(err).title}: ${err instanceof Error ? err.message : String(err)}`);

  const toggle = (dir: string, open?: boolean) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open ?? !next.has(dir)) next.add(dir);
      else next.delete(dir);
      return next;
    });

  const submit = async (name: string) => {
    const current = editing;
    setEditing(null);
    setError(null);
    if (!current || !name.trim()) return;
    const clean = name.trim().replace(/^\/+/, "");
    try {
      if (current.kind === "rename") {
        const to = joinPath(parentDir(current.entry.path), clean);
        if (to === current.entry.path) return;
        await rename.mutateAsync({ from: current.entry.path, to });
        onRenamed(current.entry.path, to);
      } else if (current.kind === "new-folder") {
        const path = joinPath(current.dir, clean);
        await mkdir.mutateAsync(path);
        toggle(current.dir, true);
        toggle(path, true);
      } else {
        const path = joinPath(current.dir, clean);
        await writeFile.mutateAsync({ path, text: "" });
        toggle(current.dir, true);
        onOpen(path);
      }
    } catch (err) {
      fail(err);
    }
  };

  return (
    <div className="file-tree" data-testid="file-tree">
      <div className="pane-bar">
        <span className="pane-title">Files</span>
        <div className="row" style={{ gap: 2 }}>
          <IconButton label="New file" title="New file" onClick={() => setEditing({ kind: "new-file", dir: selectedDir })}>
            <FilePlusIcon size={15} />
          </IconButton>
          <IconButton label="New folder" title="New folder" onClick={() => setEditing({ kind: "new-folder", dir: selectedDir })}>
            <FolderPlusIcon size={15} />
          </IconButton>
        </div>
      </div>
      {error && (
        <div className="tree-error small" role="alert">
          {error}
          <IconButton label="Dismiss" onClick={() => setError(null)}>
            ×
          </IconButton>
        </div>
      )}
      <nav className="tree-scroll" aria-label="Workspace files">
        <TreeLevel
          sessionId={sessionId}
          dir=""
          depth={0}
          expanded={expanded}
          activePath={activePath}
          selectedDir={selectedDir}
          editing={editing}
          onToggle={(dir) => {
            toggle(dir);
            setSelectedDir(dir);
          }}
          onOpen={(path) => {
            setSelectedDir(parentDir(path));
            onOpen(path);
          }}
          onEdit={setEditing}
          onDelete={setDeleting}
          onSubmit={submit}
          onCancelEdit={() => setEditing(null)}
        />
      </nav>
      <ConfirmRemoval
        subject={deleting}
        title={`Delete ${revealName(deleting?.name ?? "")}?`}
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        onConfirm={(entry) => remove.mutate(entry.path, { onSuccess: () => onDeleted(entry.path), onError: fail })}
      >
        {deleting?.type === "directory"
          ? "The folder and everything in it is removed from the workspace."
          : "The file is removed from the workspace."}
      </ConfirmRemoval>
    </div>
  );
}

interface LevelProps {
  sessionId: string;
  dir: string;
  depth: number;
  expanded: Set<string>;
  activePath: string | null;
  selectedDir: string;
  editing: Editing | null;
  onToggle: (dir: string) => void;
  onOpen: (path: string) => void;
  onEdit: (editing: Editing) => void;
  onDelete: (entry: FileEntry) => void;
  onSubmit: (name: string) => void;
  onCancelEdit: () => void;
}

function TreeLevel(props: LevelProps) {
  const { sessionId, dir, depth, expanded, activePath, editing } = props;
  const query = useQuery(treeQuery(sessionId, dir));
  const indent = { paddingLeft: 8 + depth * 14 };
  const creatingHere = editing && editing.kind !== "rename" && editing.dir === dir;

  if (query.isPending)
    return (
      <div className="tree-row muted" style={indent}>
        Loading…
      </div>
    );
  if (query.isError)
    return (
      <div className="tree-row" style={{ ...indent, color: "var(--bad)" }}>
        {describeError(query.error).title}
      </div>
    );

  return (
    <div>
      {creatingHere && (
        <NameInput
          depth={depth}
          icon={editing.kind === "new-folder" ? <FolderIcon size={14} /> : <FileIcon size={14} />}
          initial=""
          label={editing.kind === "new-folder" ? "New folder name" : "New file name"}
          onSubmit={props.onSubmit}
          onCancel={props.onCancelEdit}
        />
      )}
      {query.data.length === 0 && !creatingHere && depth === 0 && (
        <div className="tree-row muted small" style={indent}>
          Empty workspace
        </div>
      )}
      {query.data.map((entry) => {
        const isDir = entry.type === "directory";
        const open = isDir && expanded.has(entry.path);
        if (editing?.kind === "rename" && editing.entry.path === entry.path) {
          return (
            <NameInput
              key={entry.path}
              depth={depth}
              icon={isDir ? <FolderIcon size={14} /> : <FileIcon size={14} />}
              initial={entry.name}
              label={`Rename ${revealName(entry.name)}`}
              onSubmit={props.onSubmit}
              onCancel={props.onCancelEdit}
            />
          );
        }
        return (
          <div key={entry.path}>
            <div className="tree-row" data-active={entry.path === activePath} data-path={entry.path}>
              <button
                type="button"
                className="tree-item"
                style={indent}
                aria-expanded={isDir ? open : undefined}
                onClick={() => (isDir ? props.onToggle(entry.path) : props.onOpen(entry.path))}
                onKeyDown={(e) => {
                  if (e.key === "F2") props.onEdit({ kind: "rename", entry });
                  else if (e.key === "Delete") props.onDelete(entry);
                  else if (isDir && e.key === "ArrowRight" && !open) props.onToggle(entry.path);
                  else if (isDir && e.key === "ArrowLeft" && open) props.onToggle(entry.path);
                }}
              >
                <span className="tree-chevron" aria-hidden>
                  {isDir ? open ? <ChevronDownIcon size={12} /> : <ChevronRightIcon size={12} /> : null}
                </span>
                {isDir ? <FolderIcon size={14} className="tree-icon-dir" /> : <FileIcon size={14} className="tree-icon-file" />}
                <VisibleName name={entry.name} className="tree-name" />
              </button>
              <span className="tree-actions">
                <IconButton
                  label={`Rename ${revealName(entry.name)}`}
                  title="Rename (F2)"
                  onClick={() => props.onEdit({ kind: "rename", entry })}
                >
                  <PencilIcon size={13} />
                </IconButton>
                <TrashButton
                  label={`Delete ${revealName(entry.name)}`}
                  title="Delete (Del)"
                  onClick={() => props.onDelete(entry)}
                  size={13}
                />
              </span>
            </div>
            {open && <TreeLevel {...props} dir={entry.path} depth={depth + 1} />}
          </div>
        );
      })}
    </div>
  );
}

function NameInput({
  depth,
  icon,
  initial,
  label,
  onSubmit,
  onCancel,
}: {
  depth: number;
  icon: React.ReactNode;
  initial: string;
  label: string;
  onSubmit: (name: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  // Enter submits and then the input unmounts, which may blur it: answer only once.
  const done = useRef(false);
  const finish = (submit: boolean) => {
    if (done.current) return;
    done.current = true;
    if (submit) onSubmit(value);
    else onCancel();
  };
  return (
    <form
      className="tree-row tree-edit"
      style={{ paddingLeft: 8 + depth * 14 + 16 }}
      onSubmit={(e) => {
        e.preventDefault();
        finish(true);
      }}
    >
      {icon}
      <input
        className="input tree-input"
        aria-label={label}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to type a name
        autoFocus
        value={value}
        onFocus={(e) => {
          const dot = e.target.value.lastIndexOf(".");
          e.target.setSelectionRange(0, dot > 0 ? dot : e.target.value.length);
        }}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && finish(false)}
        onBlur={() => finish(value.trim() !== "" && value !== initial)}
      />
    </form>
  );
}
