-- Who made an admin change (the web user and address, the CLI's unix
-- user); empty for the lines phones and scanners cause.
ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
-- The lines about no known device, which TrimEvents bounds apart: set
-- when the line is written (provisioning.Event.Unknown), since a refusal
-- of an unknown MAC now names that MAC.
ALTER TABLE events ADD COLUMN unknown BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE events SET unknown = TRUE WHERE mac = '';
CREATE INDEX events_unknown_time ON events (unknown, time);
-- The events page filters by requester.
CREATE INDEX events_ip_time ON events (ip, time);
