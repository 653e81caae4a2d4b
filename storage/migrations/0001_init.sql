-- 0001: the first schema. {{pk}} and {{ts}} are replaced per dialect (see migrate.go):
-- SQLite gets INTEGER PRIMARY KEY AUTOINCREMENT and DATETIME, Postgres BIGSERIAL and TIMESTAMPTZ.
-- All times are stored in UTC; the guild's time zone only matters when parsing and showing.

CREATE TABLE guilds (
    id                TEXT PRIMARY KEY,
    channel_id        TEXT NOT NULL DEFAULT '',
    moderator_role_id TEXT NOT NULL DEFAULT '',
    timezone          TEXT NOT NULL,
    airport           TEXT NOT NULL,
    reminder_offsets  TEXT NOT NULL,
    digest            TEXT NOT NULL,
    mission_name      TEXT NOT NULL DEFAULT '',
    mission_lead      TEXT NOT NULL DEFAULT '',
    planned           INTEGER NOT NULL DEFAULT 0,
    mandate_end       {{ts}} NULL,
    created_at        {{ts}} NOT NULL,
    updated_at        {{ts}} NOT NULL
);

CREATE TABLE flights (
    id            {{pk}},
    guild_id      TEXT NOT NULL REFERENCES guilds(id),
    eta           {{ts}} NOT NULL,
    status        TEXT NOT NULL,
    aircraft      TEXT NOT NULL DEFAULT '',
    origin        TEXT NOT NULL DEFAULT '',
    destination   TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    landed_at     {{ts}} NULL,
    event_id      TEXT NOT NULL DEFAULT '',
    logged_by     TEXT NOT NULL DEFAULT '',
    created_at    {{ts}} NOT NULL,
    updated_at    {{ts}} NOT NULL,
    deleted_at    {{ts}} NULL
);
CREATE INDEX flights_guild_eta ON flights (guild_id, eta);

CREATE TABLE manifest_lines (
    id         {{pk}},
    guild_id   TEXT NOT NULL REFERENCES guilds(id),
    flight_id  BIGINT NOT NULL REFERENCES flights(id),
    country    TEXT NOT NULL,
    personnel  INTEGER NOT NULL CHECK (personnel BETWEEN 1 AND 100000),
    role       TEXT NOT NULL
);
CREATE INDEX manifest_lines_flight ON manifest_lines (flight_id);

CREATE TABLE arrivals (
    id          {{pk}},
    guild_id    TEXT NOT NULL REFERENCES guilds(id),
    country     TEXT NOT NULL,
    personnel   INTEGER NOT NULL CHECK (personnel BETWEEN 1 AND 100000),
    role        TEXT NOT NULL,
    arrived_at  {{ts}} NOT NULL,
    flight_id   BIGINT NULL REFERENCES flights(id),
    unit        TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    logged_by   TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL,
    updated_at  {{ts}} NOT NULL,
    deleted_at  {{ts}} NULL
);
CREATE INDEX arrivals_guild_time ON arrivals (guild_id, arrived_at);

CREATE TABLE departures (
    id           {{pk}},
    guild_id     TEXT NOT NULL REFERENCES guilds(id),
    country      TEXT NOT NULL,
    personnel    INTEGER NOT NULL CHECK (personnel BETWEEN 1 AND 100000),
    role         TEXT NOT NULL,
    departed_at  {{ts}} NOT NULL,
    reason       TEXT NOT NULL DEFAULT 'other',
    source       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    logged_by    TEXT NOT NULL DEFAULT '',
    created_at   {{ts}} NOT NULL,
    updated_at   {{ts}} NOT NULL,
    deleted_at   {{ts}} NULL
);
CREATE INDEX departures_guild_time ON departures (guild_id, departed_at);

CREATE TABLE pledges (
    id          {{pk}},
    guild_id    TEXT NOT NULL REFERENCES guilds(id),
    country     TEXT NOT NULL,
    personnel   INTEGER NULL CHECK (personnel IS NULL OR personnel BETWEEN 1 AND 100000),
    role        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    as_of       {{ts}} NOT NULL,
    logged_by   TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL,
    updated_at  {{ts}} NOT NULL,
    deleted_at  {{ts}} NULL
);
CREATE INDEX pledges_guild ON pledges (guild_id, country, role);

-- force_totals is the running sum that /forces reads instead of scanning history. It is updated
-- in the same transaction as every arrival, departure, edit, delete and landing.
CREATE TABLE force_totals (
    guild_id  TEXT NOT NULL REFERENCES guilds(id),
    country   TEXT NOT NULL,
    role      TEXT NOT NULL,
    deployed  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, country, role)
);

-- reminders are the planned posts. dedupe_key makes planning idempotent: planning the same post
-- twice inserts nothing the second time.
CREATE TABLE reminders (
    id            {{pk}},
    guild_id      TEXT NOT NULL REFERENCES guilds(id),
    kind          TEXT NOT NULL,
    flight_id     BIGINT NULL REFERENCES flights(id),
    dedupe_key    TEXT NOT NULL,
    offset_secs   BIGINT NOT NULL DEFAULT 0,
    due_at        {{ts}} NOT NULL,
    status        TEXT NOT NULL,
    nonce         TEXT NOT NULL DEFAULT '',
    attempts      INTEGER NOT NULL DEFAULT 0,
    lease_owner   TEXT NOT NULL DEFAULT '',
    lease_until   {{ts}} NULL,
    last_error    TEXT NOT NULL DEFAULT '',
    message_id    TEXT NOT NULL DEFAULT '',
    sent_at       {{ts}} NULL,
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    {{ts}} NOT NULL,
    updated_at    {{ts}} NOT NULL,
    UNIQUE (guild_id, dedupe_key)
);
CREATE INDEX reminders_due ON reminders (status, due_at);
CREATE INDEX reminders_guild ON reminders (guild_id, status, due_at);

CREATE TABLE audit_entries (
    id         {{pk}},
    guild_id   TEXT NOT NULL REFERENCES guilds(id),
    at         {{ts}} NOT NULL,
    user_id    TEXT NOT NULL DEFAULT '',
    command    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    record_id  BIGINT NOT NULL DEFAULT 0,
    action     TEXT NOT NULL,
    before     TEXT NOT NULL DEFAULT '',
    after      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entries_record ON audit_entries (guild_id, kind, record_id);
