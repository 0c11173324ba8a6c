-- The release stack a rollback walks (a JSON array of version ids, the promoted one last), kept on
-- the template so a rollback no longer replays the whole release history: that history is now
-- bounded (a template keeps its newest releases), and a replay of what is left would lose the
-- versions below. NULL for templates whose history predates this column: their first release
-- replays the history once and stores the stack.
ALTER TABLE templates ADD COLUMN release_stack TEXT;
