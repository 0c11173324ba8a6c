CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  workspace_id TEXT,
  actor_id TEXT,
  action TEXT NOT NULL,
  target_type TEXT,
  target_id TEXT,
  details TEXT,                     -- JSON
  ip TEXT,
  request_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX audit_workspace_time ON audit_log(workspace_id, created_at);
CREATE INDEX audit_action ON audit_log(action);
