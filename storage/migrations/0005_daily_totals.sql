-- 0005: daily_forces is the net change of each (country, role) per day, the series the force
-- chart draws. Like force_totals it is updated in the same transaction as every arrival,
-- departure, edit, delete and landing, so a chart reads one row per day and country instead of
-- scanning every arrival. day counts days since 1970-01-01 in UTC: a number both databases
-- compare alike, and independent of the guild's time zone, which can change.
CREATE TABLE daily_forces (
    guild_id  TEXT NOT NULL REFERENCES guilds(id),
    country   TEXT NOT NULL,
    role      TEXT NOT NULL,
    day       BIGINT NOT NULL,
    delta     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, country, role, day)
);

-- Existing databases: the history so far, from the arrivals and departures not deleted.
INSERT INTO daily_forces (guild_id, country, role, day, delta)
SELECT guild_id, country, role, day, SUM(n) FROM (
    SELECT guild_id, country, role, {{day:arrived_at}} AS day, personnel AS n FROM arrivals WHERE deleted_at IS NULL
    UNION ALL
    SELECT guild_id, country, role, {{day:departed_at}} AS day, -personnel AS n FROM departures WHERE deleted_at IS NULL
) history GROUP BY guild_id, country, role, day HAVING SUM(n) <> 0;
