-- A per-user git token, sealed with SECRETS_KEY like workspace secrets and offered to
-- git in the user's own sessions by a credential helper for this host only.
CREATE TABLE user_git_credentials (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  username TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  iv TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
