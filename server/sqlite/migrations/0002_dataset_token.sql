-- A random token renewed with every data version bump. Together with the version it identifies one
-- state of the stations even across restored backups, so a cache keyed by both can never be stale.
ALTER TABLE dataset ADD COLUMN token TEXT NOT NULL DEFAULT '';
UPDATE dataset SET token = lower(hex(randomblob(8)));
