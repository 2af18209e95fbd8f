-- 0007, PostgreSQL dialect: every committed change to the bans table sends
-- NOTIFY provbox_changes with the payload 'bans' (provbox_notify of 0005),
-- so the other nodes enforce a ban one node issued and drop one it lifted.
-- Only bans are written, never strikes: one row per ban, not per refusal.
CREATE TRIGGER bans_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bans
    FOR EACH STATEMENT EXECUTE FUNCTION provbox_notify();
