CREATE TABLE auth_challenges (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,               -- register | login | add_passkey
  challenge TEXT NOT NULL,
  user_id TEXT,
  email TEXT,
  data TEXT,                        -- JSON
  expires_at INTEGER NOT NULL
);
