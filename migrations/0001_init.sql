-- Core schema. Times are unix epoch milliseconds; ids are random url-safe strings.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT,
  current_workspace_id TEXT,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
);

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

CREATE TABLE auth_challenges (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,               -- register | login | add_passkey
  challenge TEXT NOT NULL,
  user_id TEXT,
  email TEXT,
  data TEXT,                        -- JSON
  expires_at INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE auth_sessions (
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
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);

CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  auth_session_id TEXT NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

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
  revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

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

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner_id TEXT NOT NULL REFERENCES users(id),
  personal INTEGER NOT NULL DEFAULT 0,
  plan TEXT NOT NULL DEFAULT 'free',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);

CREATE TABLE memberships (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

-- Workspace invites and, with workspace_id NULL, operator-issued sign-up invites.
CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL UNIQUE,
  email TEXT,
  role TEXT NOT NULL DEFAULT 'member',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by TEXT,
  revoked_at INTEGER
);
CREATE INDEX invites_workspace ON invites(workspace_id);

CREATE TABLE workspace_secrets (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  ciphertext TEXT NOT NULL,         -- base64 AES-GCM
  iv TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (workspace_id, name)
);

CREATE TABLE quota_overrides (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  limit_name TEXT NOT NULL,
  value INTEGER NOT NULL,
  set_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, limit_name)
);

CREATE TABLE templates (
  id TEXT PRIMARY KEY,
  workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,  -- NULL for built-in templates
  name TEXT NOT NULL,
  description TEXT,
  active_version_id TEXT,
  builtin INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  archived_at INTEGER,
  deleted_at INTEGER
);
CREATE INDEX templates_workspace ON templates(workspace_id);

CREATE TABLE template_versions (
  id TEXT PRIMARY KEY,
  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
  workspace_id TEXT,
  version TEXT NOT NULL,
  manifest TEXT NOT NULL,           -- JSON, validated by sdk manifestSchema
  status TEXT NOT NULL DEFAULT 'awaiting_upload', -- awaiting_upload | uploaded
  bundle_key TEXT,
  bundle_sha256 TEXT,
  bundle_bytes INTEGER,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (template_id, version)
);

CREATE TABLE template_releases (
  id TEXT PRIMARY KEY,
  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  kind TEXT NOT NULL,               -- promote | rollback
  actor_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX template_releases_template ON template_releases(template_id, created_at);

CREATE TABLE template_builds (
  id TEXT PRIMARY KEY,
  workspace_id TEXT,
  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'building', 'succeeded', 'failed', 'retrying', 'dead_lettered')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  log_key TEXT,
  artifact_key TEXT,
  artifact_sha256 TEXT,
  artifact_bytes INTEGER,
  workflow_instance_id TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX template_builds_workspace ON template_builds(workspace_id, status);
CREATE INDEX template_builds_version ON template_builds(version_id);

CREATE TABLE upload_grants (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  version_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  max_bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  template_id TEXT,
  version_id TEXT,
  state TEXT NOT NULL,
  state_version INTEGER NOT NULL DEFAULT 0,
  runtime_status TEXT,
  runtime_state TEXT,
  last_bootstrap_at INTEGER,
  last_lifecycle_phase TEXT,
  failure_reason TEXT,
  start_on_intent INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_active_at INTEGER,
  deleted_at INTEGER
);
CREATE INDEX sessions_workspace ON sessions(workspace_id, state);
CREATE UNIQUE INDEX sessions_workspace_name ON sessions(workspace_id, name) WHERE deleted_at IS NULL;

CREATE TABLE snapshots (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('manual', 'autosave', 'stop', 'sleep', 'safety')),
  label TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
  r2_key TEXT NOT NULL,
  bytes INTEGER,
  sha256 TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  completed_at INTEGER,
  deleted_at INTEGER
);
CREATE INDEX snapshots_session ON snapshots(session_id, status, created_at);
CREATE INDEX snapshots_workspace ON snapshots(workspace_id);

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  workspace_id TEXT,
  actor_id TEXT,
  action TEXT NOT NULL,
  target_type TEXT,
  target_id TEXT,
  details TEXT,                     -- JSON
  ip TEXT,
  request_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX audit_workspace_time ON audit_log(workspace_id, created_at);
CREATE INDEX audit_action ON audit_log(action);

CREATE TABLE usage_daily (
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  day TEXT NOT NULL,                -- YYYY-MM-DD, UTC
  metric TEXT NOT NULL CHECK (metric IN ('runtime_seconds', 'build_seconds', 'snapshot_bytes')),
  value INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, user_id, day, metric)
);
