-- What a snapshot holds in R2, its manifest included: `bytes` is the archive alone (restores check
-- the object against it), while a manifest can be far larger than a small archive (a restore's
-- reference is a 31-byte archive beside a copy of the chosen snapshot's manifest). The
-- `snapshotBytes` quota counts this. A copy sets it when its row is inserted pending (its size is
-- known then, so parallel copies see each other's reservation); a save once it is ready. Rows from
-- before this column count their `bytes`, as they did.
ALTER TABLE snapshots ADD COLUMN stored_bytes INTEGER;
