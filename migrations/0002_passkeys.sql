CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,              -- credential id, base64url
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  public_key TEXT NOT NULL,         -- base64url COSE key
  counter INTEGER NOT NULL DEFAULT 0,
  transports TEXT,                  -- JSON array
  device_type TEXT,
  backed_up INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX passkeys_user ON passkeys(user_id);
