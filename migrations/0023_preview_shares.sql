-- Preview share links: the token is stored hashed; a link dies with its session
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
  access_count INTEGER NOT NULL DEFAULT 0,
  -- NULL is the session's preview port; a number is that port, served on its own host (ports panel).
  port INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535)
);
CREATE INDEX preview_shares_session ON preview_shares (session_id, created_at);
