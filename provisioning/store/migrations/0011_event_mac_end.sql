-- A search by MAC with since reads the lines straddling since (began
-- before it, ended at or after it) by their end, COALESCE(last_time,
-- time) (0009); with only (mac, time) it read every line of that MAC,
-- the whole history of a phone that has been up for months. This index
-- bounds that read by the MAC and the end. One file for both back-ends:
-- each spells an expression column in parentheses.
CREATE INDEX events_mac_end ON events (mac, (COALESCE(last_time, time)));
