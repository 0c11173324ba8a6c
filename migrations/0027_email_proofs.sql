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
