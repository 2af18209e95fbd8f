-- Who made an admin change (the web user and address, the CLI's unix
-- user); empty for the lines phones and scanners cause.
ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
-- The events page filters by requester and outcome.
CREATE INDEX events_ip_time ON events (ip, time);
