-- One row per runtime boot the Session DO finished (or failed): kind 'start' from
-- created/stopped/failed, 'wake' from sleeping. phases is JSON {phase: ms}.
CREATE TABLE session_start_metrics (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('start', 'wake')),
  ok INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  total_ms INTEGER NOT NULL,
  phases TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX session_start_metrics_time ON session_start_metrics (finished_at);
CREATE INDEX session_start_metrics_session ON session_start_metrics (session_id, finished_at);
CREATE INDEX session_start_metrics_workspace ON session_start_metrics (workspace_id, finished_at);
