-- 0001, PostgreSQL dialect: the initial schema, as migrations/0001_init.sql
-- but for the events id, which SQLite spells INTEGER PRIMARY KEY
-- AUTOINCREMENT. An identity column likewise never reuses an id.
--
-- Portable types only (TEXT, INTEGER, BIGINT) so a PostgreSQL backend can
-- share the queries. Conventions:
--   times     BIGINT unix nanoseconds, UTC; NULL is the zero time.
--   MACs      12 lower-case hex digits; '' is "no device" (events).
--   addresses netip text form; NULL or '' is "none".
-- A released migration never changes; add a new file instead.

CREATE TABLE accounts (
    name          TEXT    NOT NULL PRIMARY KEY,
    hash          TEXT    NOT NULL UNIQUE,
    sip_server    TEXT    NOT NULL DEFAULT '',
    sip_port      INTEGER NOT NULL DEFAULT 0,
    sip_transport TEXT    NOT NULL DEFAULT '',
    ntp_server    TEXT    NOT NULL DEFAULT '',
    timezone      TEXT    NOT NULL DEFAULT '',
    language      TEXT    NOT NULL DEFAULT '',
    created       BIGINT
);

CREATE TABLE devices (
    mac        TEXT NOT NULL PRIMARY KEY,
    account    TEXT NOT NULL REFERENCES accounts (name),
    vendor     TEXT NOT NULL DEFAULT '',
    model      TEXT NOT NULL DEFAULT '',
    hash       TEXT NOT NULL UNIQUE,
    -- The DHCP reservation; NULL when none, so UNIQUE allows many of those.
    ip         TEXT UNIQUE,
    open_until BIGINT,
    locked_at  BIGINT,
    created    BIGINT,
    last_seen  BIGINT
);

CREATE INDEX devices_account ON devices (account);

CREATE TABLE lines (
    mac          TEXT    NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    extension    TEXT    NOT NULL DEFAULT '',
    auth_user    TEXT    NOT NULL DEFAULT '',
    password     TEXT    NOT NULL DEFAULT '',
    display_name TEXT    NOT NULL DEFAULT '',
    label        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (mac, position)
);

CREATE TABLE leases (
    ip           TEXT NOT NULL PRIMARY KEY,
    mac          TEXT NOT NULL,
    expires      BIGINT,
    hostname     TEXT NOT NULL DEFAULT '',
    vendor_class TEXT NOT NULL DEFAULT ''
);

CREATE TABLE bans (
    prefix  TEXT    NOT NULL PRIMARY KEY,
    reason  TEXT    NOT NULL DEFAULT '',
    strikes INTEGER NOT NULL DEFAULT 0,
    count   INTEGER NOT NULL DEFAULT 0,
    since   BIGINT,
    until   BIGINT
);

-- An identity column so an audit line's id is never reused after a trim.
CREATE TABLE events (
    id      BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time    BIGINT  NOT NULL,
    proto   TEXT    NOT NULL DEFAULT '',
    ip      TEXT    NOT NULL DEFAULT '',
    mac     TEXT    NOT NULL DEFAULT '',
    ua      TEXT    NOT NULL DEFAULT '',
    file    TEXT    NOT NULL DEFAULT '',
    outcome TEXT    NOT NULL DEFAULT '',
    reason  TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX events_mac_time ON events (mac, time);
CREATE INDEX events_time ON events (time);
