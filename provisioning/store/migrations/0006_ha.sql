-- 0006: DHCP failover between two nodes sharing one database.
--
-- PostgreSQL (migrations/postgres/0006_ha.sql) gets the leader row (who
-- answers DHCP, until when, under which fencing token) and each node's
-- heartbeat. Failover needs a shared database, so an SQLite one needs
-- nothing: this version only keeps the numbering shared.
SELECT 1;
