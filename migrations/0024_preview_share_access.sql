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
