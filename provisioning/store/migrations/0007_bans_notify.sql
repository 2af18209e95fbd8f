-- 0007: bans follow between nodes sharing one database.
--
-- PostgreSQL (migrations/postgres/0007_bans_notify.sql) makes every
-- committed change to the bans table send a NOTIFY, so the other nodes
-- reload their ban engines. An SQLite database has one writing process and
-- needs nothing: this version only keeps the numbering shared.
SELECT 1;
