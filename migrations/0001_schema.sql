-- The schema. Times are unix epoch milliseconds; ids are random url-safe strings.
-- (The series was squashed before the first production deployment; from here it is append-only.)

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT,
  current_workspace_id TEXT,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER,
  -- How many workspaces this user may own; NULL means the deployment's default.
  max_owned_workspaces INTEGER
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

CREATE TABLE sign_ins (
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
CREATE INDEX sign_ins_user ON sign_ins(user_id);

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
  deleted_at INTEGER,
  -- What the session runs, fixed when it is created from a template version: the manifest and where
  -- its build artifact / bundle live in R2. The session Durable Object boots from these.
  manifest TEXT,
  artifact_key TEXT,
  bundle_key TEXT
);
CREATE INDEX sessions_workspace ON sessions(workspace_id, state);
CREATE UNIQUE INDEX sessions_workspace_name ON sessions(workspace_id, name) WHERE deleted_at IS NULL;
-- GET /api/sessions pages newest first by (created_at, id) within a workspace (keyset pagination).
CREATE INDEX sessions_workspace_created ON sessions(workspace_id, created_at, id) WHERE deleted_at IS NULL;

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
  deleted_at INTEGER,
  -- An incremental snapshot holds only the files changed since its base (`base_id`, the previous link
  -- of its chain); `format` says which, `encoding` how the archive is compressed (e.g. gzip;level=1;
  -- NULL: gzip at the default level).
  format TEXT NOT NULL DEFAULT 'full' CHECK (format IN ('full', 'incremental')),
  base_id TEXT,
  encoding TEXT
);
CREATE INDEX snapshots_session ON snapshots(session_id, status, created_at);
CREATE INDEX snapshots_workspace ON snapshots(workspace_id);
CREATE INDEX snapshots_base ON snapshots(base_id) WHERE base_id IS NOT NULL;

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

-- Preview share links: the token is stored hashed; a link dies with its session
-- (the gateway checks sessions.deleted_at on every request; a purged row cascades).
CREATE TABLE preview_shares (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('people', 'workspace', 'anyone')),
  emails TEXT NOT NULL DEFAULT '[]',  -- JSON array of lower-case emails (scope people)
  label TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT,
  created_at INTEGER NOT NULL,
  last_access_at INTEGER,
  access_count INTEGER NOT NULL DEFAULT 0,
  -- NULL is the session's preview port; a number is that port, served on its own host (ports panel).
  port INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535)
);
CREATE INDEX preview_shares_session ON preview_shares (session_id, created_at);

-- Every request made with a share link that matched a link, allowed or refused.
CREATE TABLE preview_share_access (
  id TEXT PRIMARY KEY,
  share_id TEXT NOT NULL REFERENCES preview_shares(id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  user_id TEXT,
  email TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  websocket INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  reason TEXT,
  ip TEXT,
  user_agent TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX preview_share_access_share ON preview_share_access (share_id, created_at);
CREATE INDEX preview_share_access_session ON preview_share_access (session_id, created_at);

-- One row per runtime boot the Session DO finished (or failed): kind 'start' from
-- created/stopped/failed, 'wake' from sleeping. phases is JSON {phase: ms}.
CREATE TABLE session_start_metrics (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('start', 'wake')),
  ok INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  total_ms INTEGER NOT NULL,
  phases TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX session_start_metrics_time ON session_start_metrics (finished_at);
CREATE INDEX session_start_metrics_session ON session_start_metrics (session_id, finished_at);
CREATE INDEX session_start_metrics_workspace ON session_start_metrics (workspace_id, finished_at);

-- Start on intent: when a surface fired, what it did, when the session became ready and
-- when the user actually connected (terminal or ssh). Time saved = min(ready, connected) - fired.
CREATE TABLE session_intents (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  session_id TEXT,
  surface TEXT NOT NULL,
  action TEXT NOT NULL,
  fired_at INTEGER NOT NULL,
  ready_at INTEGER,
  connected_at INTEGER
);
CREATE INDEX session_intents_session ON session_intents (session_id, fired_at);
CREATE INDEX session_intents_time ON session_intents (fired_at);

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

-- Dotfiles: a user's dotfiles repository, cloned on the first start of each of their
-- sessions; the last run's outcome per session is kept for the session page's startup card.
CREATE TABLE user_dotfiles (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  ref TEXT,
  updated_at INTEGER NOT NULL
);

CREATE TABLE session_dotfiles (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('applied', 'failed')),
  output TEXT NOT NULL,
  at INTEGER NOT NULL
);
