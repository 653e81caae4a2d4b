-- 0010: import_previews keeps an uploaded /import file between its preview and the moderator's
-- Confirm. Confirm may reach another instance than the one that showed the preview (the HTTP
-- endpoint sits behind a load balancer), so the file lives here, not in memory. The button's
-- custom_id carries the random token; Confirm deletes the row in the import's own transaction,
-- so the file is stored exactly once however often the button is pressed. Expired rows are
-- removed when a new preview is saved; expires_at is indexed for that.
CREATE TABLE import_previews (
    token       TEXT PRIMARY KEY,
    guild_id    TEXT NOT NULL REFERENCES guilds(id),
    user_id     TEXT NOT NULL,
    filename    TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  {{ts}} NOT NULL,
    expires_at  {{ts}} NOT NULL
);
CREATE INDEX import_previews_expires ON import_previews (expires_at);
