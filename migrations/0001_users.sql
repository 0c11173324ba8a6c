-- The schema, one migration per table (its indexes beside it). Times are unix epoch milliseconds;
-- ids are random url-safe strings. The series was cut this way before the first production
-- deployment; from that deployment on it is append-only: a change is a new migration.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT,
  current_workspace_id TEXT,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER,
  -- How many workspaces this user may own; NULL means the deployment's default.
  max_owned_workspaces INTEGER
);
