CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  sign_in_id TEXT NOT NULL REFERENCES sign_ins(id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
