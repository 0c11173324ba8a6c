CREATE TABLE usage_daily (
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  day TEXT NOT NULL,                -- YYYY-MM-DD, UTC
  metric TEXT NOT NULL CHECK (metric IN ('runtime_seconds', 'build_seconds', 'snapshot_bytes')),
  value INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, user_id, day, metric)
);
