-- Who uploaded a version's bundle. A build runs with that member's git token (and meters to them):
-- the bundle is their code. Any member who may write templates can upload the bundle of a version
-- another member created (a fresh upload grant), so the creator is not necessarily the uploader.
-- Bundles uploaded before this column existed are taken as the creator's, as they were treated.
ALTER TABLE template_versions ADD COLUMN uploaded_by TEXT;
UPDATE template_versions SET uploaded_by = created_by WHERE status = 'uploaded';
