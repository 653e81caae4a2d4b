-- 0017: what a landing logged, so that /flight unland can undo it exactly, and the role flight
-- reminders ping.
-- landed_from is the status a landed flight had before it landed ('scheduled' or 'delayed'),
-- which /flight unland puts back; '' for a flight not landed, or landed before this version.
ALTER TABLE flights ADD COLUMN landed_from TEXT NOT NULL DEFAULT '';
-- landing_flight_id names the flight whose landing logged the arrival. flight_id alone cannot
-- say it: /arrival log flight: links an arrival to a flight without landing it.
ALTER TABLE arrivals ADD COLUMN landing_flight_id BIGINT NULL REFERENCES flights(id);
CREATE INDEX arrivals_landing_flight ON arrivals (guild_id, landing_flight_id) WHERE landing_flight_id IS NOT NULL;
-- ping_role_id is the role flight reminders and the overdue nudge mention (/settings
-- ping-role); '' pings nobody.
ALTER TABLE guilds ADD COLUMN ping_role_id TEXT NOT NULL DEFAULT '';
