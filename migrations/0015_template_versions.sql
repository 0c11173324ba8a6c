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
  -- Who uploaded the bundle (NULL until then). A build runs with that member's git token (and meters
  -- to them): the bundle is their code. Any member who may write templates can upload the bundle of a
  -- version another member created (a fresh upload grant), so the creator is not necessarily the uploader.
  uploaded_by TEXT,
  UNIQUE (template_id, version)
);
