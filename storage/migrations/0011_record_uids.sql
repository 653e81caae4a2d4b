-- 0011: uid names where an imported record came from: "<guild>/<kind>/<id>", the record's
-- identity in the guild whose /export wrote it (the export's uid column). An import that meets
-- a uid already stored skips the row, so the same file imported twice stores its records once,
-- and an arrival's flight column finds the flight imported from an earlier file of the same
-- guild (the per-kind exports imported one after another). '' is a record logged here. The
-- partial unique indexes keep a uid once per guild whatever door writes it; soft-deleted rows
-- keep theirs, so a record deleted after its import does not come back with the next one.
ALTER TABLE arrivals ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE departures ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE pledges ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE flights ADD COLUMN uid TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX arrivals_uid ON arrivals (guild_id, uid) WHERE uid <> '';
CREATE UNIQUE INDEX departures_uid ON departures (guild_id, uid) WHERE uid <> '';
CREATE UNIQUE INDEX pledges_uid ON pledges (guild_id, uid) WHERE uid <> '';
CREATE UNIQUE INDEX flights_uid ON flights (guild_id, uid) WHERE uid <> '';
