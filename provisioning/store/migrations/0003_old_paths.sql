-- 0002: secret paths retired by a rekey, in their grace period.
--
-- A path is kept only as the SHA-256 of "/<account_hash>/<device_hash>/"
-- (hex), never in a form that could be requested; shown is its redacted
-- form ("/abcd…/wxyz…/") for the admin. Rows go with their device.

CREATE TABLE old_paths (
    digest TEXT   NOT NULL PRIMARY KEY,
    mac    TEXT   NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,
    shown  TEXT   NOT NULL DEFAULT '',
    cause  TEXT   NOT NULL DEFAULT '',
    since  BIGINT NOT NULL,
    until  BIGINT NOT NULL
);

CREATE INDEX old_paths_mac ON old_paths (mac);
