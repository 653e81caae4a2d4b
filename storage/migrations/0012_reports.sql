-- 0012: reports keeps the reported figures: what a source said (deployed, pledged or planned,
-- exactly, about, at least or at most), for the mission (country '') or one country, for every
-- role (role '') or one, as of a time. They sit beside the ledger and never move it: no force
-- total or day's change is written for them. uid is an import's identity, as in 0011.
CREATE TABLE reports (
    id          {{pk}},
    guild_id    TEXT NOT NULL REFERENCES guilds(id),
    figure      TEXT NOT NULL CHECK (figure IN ('deployed', 'pledged', 'planned')),
    value       INTEGER NOT NULL CHECK (value >= 0),
    qualifier   TEXT NOT NULL CHECK (qualifier IN ('exact', 'about', 'at_least', 'at_most')),
    country     TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT '',
    as_of       {{ts}} NOT NULL,
    source      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    logged_by   TEXT NOT NULL DEFAULT '',
    uid         TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL,
    updated_at  {{ts}} NOT NULL,
    deleted_at  {{ts}}
);
CREATE INDEX reports_guild_as_of ON reports (guild_id, as_of);
CREATE UNIQUE INDEX reports_uid ON reports (guild_id, uid) WHERE uid <> '';
