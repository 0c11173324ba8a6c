-- Incremental snapshots (issue 17): an autosave may hold only the files changed since its base
-- snapshot (`base_id`, the previous link of its chain); `format` says which, `encoding` how the
-- archive is compressed (e.g. gzip;level=1; NULL for older snapshots: gzip at the default level).
ALTER TABLE snapshots ADD COLUMN format TEXT NOT NULL DEFAULT 'full' CHECK (format IN ('full', 'incremental'));
ALTER TABLE snapshots ADD COLUMN base_id TEXT;
ALTER TABLE snapshots ADD COLUMN encoding TEXT;
CREATE INDEX snapshots_base ON snapshots(base_id) WHERE base_id IS NOT NULL;
