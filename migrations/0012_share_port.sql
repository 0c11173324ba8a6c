-- Share links to any port of a session (issue 18, the ports panel): NULL is the session's preview
-- port, as every link made before this column; a number is that port, served on its own host.
ALTER TABLE preview_shares ADD COLUMN port INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535);
