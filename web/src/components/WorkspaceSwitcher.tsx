import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useCreateWorkspace, useSwitchWorkspace, workspacesQuery } from "../api/queries/workspaces";
import { Badge } from "./Badge";
import { ExpandButton } from "./IconButton";
import { CheckIcon, ChevronDownIcon, PlusIcon, UsersIcon } from "./icons";
import { describeError } from "./states";
import { TextInput } from "./TextInput";
import "./WorkspaceSwitcher.css";

/** Header menu: the current workspace and role, the others to switch to, create and join. */
export function WorkspaceSwitcher() {
  const { data: workspaces } = useQuery(workspacesQuery());
  const switcher = useSwitchWorkspace();
  const create = useCreateWorkspace();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (!workspaces?.length) return null;
  const current = workspaces.find((w) => w.current) ?? workspaces[0];

  const switchTo = (id: string) => {
    setOpen(false);
    if (id === current?.id) return;
    // The page may show a resource of the old workspace; start from the dashboard.
    switcher.mutate(id, { onSuccess: () => navigate("/") });
  };

  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    create.mutate(trimmed, {
      onSuccess: ({ workspace }) => {
        setName("");
        setCreating(false);
        switchTo(workspace.id);
      },
    });
  };

  return (
    <div className="ws-switcher" ref={rootRef} data-testid="workspace-switcher">
      <ExpandButton
        className="ws-switcher-button"
        aria-haspopup="menu"
        expanded={open}
        onExpanded={setOpen}
        aria-label={`Switch workspace (current: ${current?.name}, ${current?.role})`}
        title="Switch workspace"
      >
        <UsersIcon size={15} />
        <span className="ws-switcher-name" data-testid="current-workspace">
          {current?.name}
        </span>
        <Badge data-testid="current-role">{current?.role}</Badge>
        {switcher.isPending ? <span className="spinner" aria-hidden /> : <ChevronDownIcon size={14} />}
      </ExpandButton>
      {open && (
        <div className="ws-switcher-menu" role="menu" aria-label="Workspaces">
          {workspaces.map((w) => (
            <button
              key={w.id}
              type="button"
              role="menuitemradio"
              aria-checked={w.id === current?.id}
              className="ws-switcher-item"
              data-workspace-id={w.id}
              onClick={() => switchTo(w.id)}
            >
              <span style={{ width: 16 }}>{w.id === current?.id && <CheckIcon size={14} />}</span>
              <span className="ws-switcher-name" style={{ flex: 1 }}>
                {w.name}
              </span>
              <span className="small muted">{w.personal ? "personal" : w.role}</span>
            </button>
          ))}
          <div className="ws-switcher-sep" />
          {creating ? (
            <form className="ws-switcher-form" onSubmit={onCreate}>
              <TextInput
                label="New workspace name"
                placeholder="Workspace name"
                maxLength={80}
                value={name}
                onValue={setName}
                // focused on open: the user just asked to type a name
                autoFocus
              />
              <button type="submit" className="btn btn-primary btn-sm" disabled={create.isPending || !name.trim()}>
                Create
              </button>
            </form>
          ) : (
            <button type="button" role="menuitem" className="ws-switcher-item" onClick={() => setCreating(true)}>
              <PlusIcon size={14} /> New workspace
            </button>
          )}
          {create.error && (
            <p className="small" role="alert" style={{ color: "var(--bad)", padding: "0 0.5rem" }}>
              {describeError(create.error).detail}
            </p>
          )}
          <Link to="/join" role="menuitem" className="ws-switcher-item" onClick={() => setOpen(false)}>
            <UsersIcon size={14} /> Join with an invite code
          </Link>
        </div>
      )}
      {switcher.error && (
        <span className="sr-only" role="alert">
          {describeError(switcher.error).detail}
        </span>
      )}
    </div>
  );
}
