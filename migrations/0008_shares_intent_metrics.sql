-- Preview share links (issue 12): the token is stored hashed; a link dies with its session
-- (the gateway checks sessions.deleted_at on every request; a purged row cascades).
CREATE TABLE preview_shares (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('people', 'workspace', 'anyone')),
  emails TEXT NOT NULL DEFAULT '[]',  -- JSON array of lower-case emails (scope people)
  label TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT,
  created_at INTEGER NOT NULL,
  last_access_at INTEGER,
  access_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX preview_shares_session ON preview_shares (session_id, created_at);

-- Every request made with a share link that matched a link, allowed or refused.
CREATE TABLE preview_share_access (
  id TEXT PRIMARY KEY,
  share_id TEXT NOT NULL REFERENCES preview_shares(id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  user_id TEXT,
  email TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  websocket INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  reason TEXT,
  ip TEXT,
  user_agent TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX preview_share_access_share ON preview_share_access (share_id, created_at);
CREATE INDEX preview_share_access_session ON preview_share_access (session_id, created_at);

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

-- Start on intent: when a surface fired, what it did, when the session became ready and
-- when the user actually connected (terminal or ssh). Time saved = min(ready, connected) - fired.
CREATE TABLE session_intents (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  session_id TEXT,
  surface TEXT NOT NULL,
  action TEXT NOT NULL,
  fired_at INTEGER NOT NULL,
  ready_at INTEGER,
  connected_at INTEGER
);
CREATE INDEX session_intents_session ON session_intents (session_id, fired_at);
CREATE INDEX session_intents_time ON session_intents (fired_at);
