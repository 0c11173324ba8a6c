-- Operator rights rest on a proven address: OPERATOR_EMAILS applies only to a user with a row
-- here for their current email (a redeemed bootstrap code or an operator invite bound to it).
CREATE TABLE email_proofs (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  email TEXT NOT NULL COLLATE NOCASE,
  method TEXT NOT NULL CHECK (method IN ('bootstrap', 'operator_invite')),
  proof_id TEXT,                    -- invite id, or the bootstrap code's hash prefix
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, email)
);

-- One-time operator bootstrap codes printed by `npm run dev` and the deploy script; only the
-- sha256 of the code is stored.
CREATE TABLE operator_bootstrap_codes (
  code_hash TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by TEXT
);

-- How many workspaces this user may own; NULL means the deployment's default.
ALTER TABLE users ADD COLUMN max_owned_workspaces INTEGER;
