-- Scoped API tokens for automation (docs/automation.md): limited to one session (or, with
-- session_id NULL, to the token's workspace) and to the listed scopes. scopes NULL is an
-- ordinary API token; otherwise a comma-separated list of 'exec' and 'files'.
ALTER TABLE api_tokens ADD COLUMN session_id TEXT;
ALTER TABLE api_tokens ADD COLUMN scopes TEXT;
