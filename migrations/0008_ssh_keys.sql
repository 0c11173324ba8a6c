CREATE TABLE ssh_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  public_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  managed INTEGER NOT NULL DEFAULT 0,  -- created by `flare ssh`
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, fingerprint)
);
