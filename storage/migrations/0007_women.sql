-- 0007: women counted. female is how many of a record's personnel are women (0 until given;
-- 0 also stands for "not reported", since most sources give no figure). The CHECKs keep a
-- women's count between 0 and the personnel whatever door wrote the row. force_totals and
-- daily_forces keep the women beside the personnel, moved in the same transactions, so
-- /forces and the UN export read the share without scanning history. Existing rows have no
-- women recorded, which the defaults already say: nothing to backfill.
ALTER TABLE arrivals ADD COLUMN female INTEGER NOT NULL DEFAULT 0 CHECK (female >= 0 AND female <= personnel);
ALTER TABLE departures ADD COLUMN female INTEGER NOT NULL DEFAULT 0 CHECK (female >= 0 AND female <= personnel);
ALTER TABLE manifest_lines ADD COLUMN female INTEGER NOT NULL DEFAULT 0 CHECK (female >= 0 AND female <= personnel);
ALTER TABLE force_totals ADD COLUMN women BIGINT NOT NULL DEFAULT 0;
ALTER TABLE daily_forces ADD COLUMN women BIGINT NOT NULL DEFAULT 0;

-- police_types marks how a contributor's police are reported to the UN: as formed police
-- units (the default, no row) or as individual police officers. One row per (guild, country),
-- set with `liaison police`.
CREATE TABLE police_types (
    guild_id       TEXT NOT NULL REFERENCES guilds(id),
    country        TEXT NOT NULL,
    personnel_type TEXT NOT NULL CHECK (personnel_type IN ('formed_police_units', 'individual_police')),
    updated_at     {{ts}} NOT NULL,
    PRIMARY KEY (guild_id, country)
);
