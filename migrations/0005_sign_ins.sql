CREATE TABLE sign_ins (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,               -- browser | cli
  token_hash TEXT NOT NULL UNIQUE,  -- hash of the cookie value or CLI access token
  workspace_id TEXT,
  user_agent TEXT,
  ip TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sign_ins_user ON sign_ins(user_id);
