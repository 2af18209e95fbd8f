-- The event writer folds identical repeats of a request within one batch
-- into one line (provisioning/eventbatch.go): times counts the requests
-- the line stands for, last_time is when the last of them came (NULL when
-- times is 1); time stays the first.
ALTER TABLE events ADD COLUMN times INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN last_time BIGINT;
