-- 0004, PostgreSQL dialect: every committed change to the tables the
-- nodes keep in memory sends NOTIFY provbox_changes (payload: the table),
-- delivered at commit and never for a rolled-back transaction. One
-- notification per statement, not per row: a batch of leases is one.

CREATE FUNCTION provbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('provbox_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION provbox_notify();
CREATE TRIGGER devices_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON devices
    FOR EACH STATEMENT EXECUTE FUNCTION provbox_notify();
CREATE TRIGGER lines_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lines
    FOR EACH STATEMENT EXECUTE FUNCTION provbox_notify();
CREATE TRIGGER leases_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON leases
    FOR EACH STATEMENT EXECUTE FUNCTION provbox_notify();
CREATE TRIGGER old_paths_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON old_paths
    FOR EACH STATEMENT EXECUTE FUNCTION provbox_notify();
