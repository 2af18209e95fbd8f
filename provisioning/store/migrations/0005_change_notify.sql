-- 0004: change notification for nodes sharing one database.
--
-- PostgreSQL (migrations/postgres/0004_change_notify.sql) makes every
-- committed change to the inventory and the leases send a NOTIFY, so the
-- other nodes reload. An SQLite database has one writing process and
-- needs nothing: this version only keeps the numbering shared.
SELECT 1;
