-- 0015: shares holds each guild's public read-only page (/settings share, SPEC §10): what it
-- shows, and the SHA-256 of its link's token, hex. The token itself is given once to the admin
-- who asked for it and never stored, so a copy of the database opens no page. "off" keeps the
-- row (its generation counts on) with no hash. link counts the links the guild was given, so
-- that the audit tells one link from the next without naming either.
CREATE TABLE shares (
    guild_id    TEXT PRIMARY KEY REFERENCES guilds(id),
    scope       TEXT NOT NULL CHECK (scope IN ('off', 'forces', 'forces-and-flights')),
    token_hash  TEXT NOT NULL DEFAULT '',
    link        INTEGER NOT NULL DEFAULT 0,
    created_at  {{ts}} NOT NULL,
    updated_at  {{ts}} NOT NULL
);
-- A page's request finds its guild by the hash alone.
CREATE UNIQUE INDEX shares_token_hash ON shares (token_hash) WHERE token_hash <> '';
