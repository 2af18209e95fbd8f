-- A line of folded repeats stands for requests from time to last_time
-- (0008). The trail's "since" filter matches a line whose last request is
-- at or after it, and trimming drops the lines whose last request is the
-- oldest, so both order lines by their end, COALESCE(last_time, time):
-- these indexes let them read a range instead of the whole table. The
-- (unknown, end) index replaces (unknown, time), which only trimming used.
-- One file for both back-ends: each spells an expression column in
-- parentheses.
CREATE INDEX events_end ON events ((COALESCE(last_time, time)));
CREATE INDEX events_unknown_end ON events (unknown, (COALESCE(last_time, time)));
DROP INDEX events_unknown_time;
