CREATE TABLE template_releases (
  id TEXT PRIMARY KEY,
  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  kind TEXT NOT NULL,               -- promote | rollback
  actor_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX template_releases_template ON template_releases(template_id, created_at);
