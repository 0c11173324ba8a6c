-- One-time operator bootstrap codes printed by `npm run dev` and the deploy script; only the
-- sha256 of the code is stored.
CREATE TABLE operator_bootstrap_codes (
  code_hash TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by TEXT
);
