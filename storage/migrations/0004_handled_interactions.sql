-- 0004: handled_interactions remembers each Discord interaction that made a change, written in
-- the change's own transaction, so that the same signed request sent again (Discord's
-- signature stays valid for minutes) changes nothing the second time. Rows are pruned after a
-- day by housekeeping; created_at is indexed for that.
CREATE TABLE handled_interactions (
    interaction_id  TEXT PRIMARY KEY,
    guild_id        TEXT NOT NULL,
    command         TEXT NOT NULL DEFAULT '',
    created_at      {{ts}} NOT NULL
);
CREATE INDEX handled_interactions_created ON handled_interactions (created_at);

-- Re-planning and cancelling a flight's reminders find them by flight; without this index each
-- lookup walked the guild's reminders.
CREATE INDEX reminders_flight ON reminders (flight_id, status);
