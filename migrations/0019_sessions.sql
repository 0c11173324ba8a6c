CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  template_id TEXT,
  version_id TEXT,
  state TEXT NOT NULL,
  state_version INTEGER NOT NULL DEFAULT 0,
  runtime_status TEXT,
  runtime_state TEXT,
  last_bootstrap_at INTEGER,
  last_lifecycle_phase TEXT,
  failure_reason TEXT,
  start_on_intent INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_active_at INTEGER,
  deleted_at INTEGER,
  -- What the session runs, fixed when it is created from a template version: the manifest and where
  -- its build artifact / bundle live in R2. The session Durable Object boots from these.
  manifest TEXT,
  artifact_key TEXT,
  bundle_key TEXT
);
CREATE INDEX sessions_workspace ON sessions(workspace_id, state);
CREATE UNIQUE INDEX sessions_workspace_name ON sessions(workspace_id, name) WHERE deleted_at IS NULL;
-- GET /api/sessions pages newest first by (created_at, id) within a workspace (keyset pagination).
CREATE INDEX sessions_workspace_created ON sessions(workspace_id, created_at, id) WHERE deleted_at IS NULL;
