-- What a session runs, fixed when it is created from a template version: the manifest
-- (persisted paths, bootstrap, preview port, env, idle timeout) and where its build
-- artifact / bundle live in R2. The session Durable Object boots from these.
ALTER TABLE sessions ADD COLUMN manifest TEXT;
ALTER TABLE sessions ADD COLUMN artifact_key TEXT;
ALTER TABLE sessions ADD COLUMN bundle_key TEXT;
