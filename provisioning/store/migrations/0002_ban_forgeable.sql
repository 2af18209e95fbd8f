-- A ban that strikes from UDP (whose source address can be forged) helped
-- to issue: provbox lifts it once the address proves to hold a known
-- device, and evicts it before proven bans when the ban table is full.
ALTER TABLE bans ADD COLUMN forgeable BOOLEAN NOT NULL DEFAULT FALSE;
