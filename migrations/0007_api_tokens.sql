CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id TEXT,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  expires_at INTEGER,
  revoked_at INTEGER,
  -- Scoped tokens for automation (docs/automation.md): limited to one session (or, with session_id
  -- NULL, to the token's workspace) and to the listed scopes. scopes NULL is an ordinary API token;
  -- otherwise a comma-separated list of 'exec' and 'files'.
  session_id TEXT,
  scopes TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
