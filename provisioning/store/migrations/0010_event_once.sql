-- An audit line that more than one node may write for one happening (the
-- end of a ban all the nodes sharing the database hold: the node that
-- issued it may be gone) carries a key in once; the unique index keeps
-- the first line written with a key, and AddEvents skips the others
-- (ON CONFLICT DO NOTHING). Lines without a key (NULL: every line before
-- this migration, and all but those) are never compared: both back-ends
-- treat NULLs as distinct in a unique index.
ALTER TABLE events ADD COLUMN once TEXT;
CREATE UNIQUE INDEX events_once ON events (once);
