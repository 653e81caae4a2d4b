-- 0016: held_changes keeps a change Liaison did not store at once — one that looks like a
-- mistake (a repeated arrival, a back-dated pledge, a landing far from its ETA) or one whose
-- role was left out and must be chosen — until the moderator who made it presses a button.
-- The button may reach another instance than the one that held the change, so the change
-- lives here: its route and its options as given (JSON), keyed by the random token the
-- button's custom_id carries. Pressing deletes the row with a conditional DELETE; only the
-- press whose DELETE removed it goes on, so the change is stored at most once. Expired rows
-- are removed by housekeeping; expires_at is indexed for that.
CREATE TABLE held_changes (
    token       TEXT PRIMARY KEY,
    guild_id    TEXT NOT NULL REFERENCES guilds(id),
    user_id     TEXT NOT NULL,
    route       TEXT NOT NULL,
    options     TEXT NOT NULL DEFAULT '{}',
    created_at  {{ts}} NOT NULL,
    expires_at  {{ts}} NOT NULL
);
CREATE INDEX held_changes_expires ON held_changes (expires_at);
