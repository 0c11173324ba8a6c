CREATE TABLE template_builds (
  id TEXT PRIMARY KEY,
  workspace_id TEXT,
  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'building', 'succeeded', 'failed', 'retrying', 'dead_lettered')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  log_key TEXT,
  artifact_key TEXT,
  artifact_sha256 TEXT,
  artifact_bytes INTEGER,
  workflow_instance_id TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX template_builds_workspace ON template_builds(workspace_id, status);
CREATE INDEX template_builds_version ON template_builds(version_id);
