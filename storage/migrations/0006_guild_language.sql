-- 0006: the language of a server's posts (reminders, digest, countdown, nudges, events), set by
-- /settings language. Empty means not chosen yet: the first interaction's guild_locale picks it.
ALTER TABLE guilds ADD COLUMN language TEXT NOT NULL DEFAULT '';
