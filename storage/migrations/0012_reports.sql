-- 0012: reports keeps the reported figures: what a source said (deployed, pledged or planned,
-- exactly, about, at least or at most), for the mission (country '') or one country, for every
-- role (role '') or one, as of a time. They sit beside the ledger and never move it: no force
-- total or day's change is written for them. uid is an import's identity, as in 0011.
--
-- ledger_value and disagreement are the ledger's figure on the report's day and how far the
-- report is from it (0 when they agree), kept so that /reports pages by disagreement through an
-- index, whatever the number of reports. A write that moves the ledger on some day marks the
-- guild's reports from that day stale (report_marks.stale_from, a day number); the next read of
-- /reports recomputes those and clears the mark, in one transaction.
CREATE TABLE reports (
    id            {{pk}},
    guild_id      TEXT NOT NULL REFERENCES guilds(id),
    figure        TEXT NOT NULL CHECK (figure IN ('deployed', 'pledged', 'planned')),
    value         INTEGER NOT NULL CHECK (value >= 0),
    qualifier     TEXT NOT NULL CHECK (qualifier IN ('exact', 'about', 'at_least', 'at_most')),
    country       TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    as_of         {{ts}} NOT NULL,
    source        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    logged_by     TEXT NOT NULL DEFAULT '',
    uid           TEXT NOT NULL DEFAULT '',
    ledger_value  BIGINT NOT NULL DEFAULT 0,
    disagreement  BIGINT NOT NULL DEFAULT 0 CHECK (disagreement >= 0),
    created_at    {{ts}} NOT NULL,
    updated_at    {{ts}} NOT NULL,
    deleted_at    {{ts}}
);
-- The list's indexes hold the live reports only, so that a page and its count read index
-- entries alone.
CREATE INDEX reports_guild_as_of ON reports (guild_id, as_of) WHERE deleted_at IS NULL;
CREATE INDEX reports_disagreement ON reports (guild_id, disagreement DESC, as_of DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX reports_country_disagreement ON reports (guild_id, country, disagreement DESC, as_of DESC, id DESC) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX reports_uid ON reports (guild_id, uid) WHERE uid <> '';

CREATE TABLE report_marks (
    guild_id    TEXT PRIMARY KEY,
    stale_from  BIGINT NOT NULL
);

-- report_counts keeps how many live reports a guild has (country '') and each country has, moved
-- by the writes that create, delete or move a report, so that /reports says "page 1 of 1,000"
-- without counting 10,000 index entries.
CREATE TABLE report_counts (
    guild_id  TEXT NOT NULL,
    country   TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (guild_id, country)
);
