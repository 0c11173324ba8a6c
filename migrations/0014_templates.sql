CREATE TABLE templates (
  id TEXT PRIMARY KEY,
  workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,  -- NULL for built-in templates
  name TEXT NOT NULL,
  description TEXT,
  active_version_id TEXT,
  builtin INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  archived_at INTEGER,
  deleted_at INTEGER,
  -- The release stack a rollback walks (a JSON array of version ids, the promoted one last), moved in
  -- each release's own batch, so a rollback need not replay the release history (which is bounded: a
  -- template keeps its newest releases). NULL where releases were written without it (the seeded
  -- starter): the first release then replays the history once and stores the stack.
  release_stack TEXT
);
CREATE INDEX templates_workspace ON templates(workspace_id);
