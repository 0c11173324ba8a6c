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
  encoding TEXT,
  -- What the snapshot holds in R2, its manifest included: `bytes` is the archive alone (restores check
  -- the object against it), while a manifest can be far larger than a small archive (a restore's
  -- reference is a 31-byte archive beside a copy of the chosen snapshot's manifest). The
  -- `snapshotBytes` quota counts this. A copy sets it when its row is inserted pending (its size is
  -- known then, so parallel copies see each other's reservation); a save once it is ready. A row
  -- without it counts its `bytes`.
  stored_bytes INTEGER
);
CREATE INDEX snapshots_session ON snapshots(session_id, status, created_at);
CREATE INDEX snapshots_workspace ON snapshots(workspace_id);
CREATE INDEX snapshots_base ON snapshots(base_id) WHERE base_id IS NOT NULL;
