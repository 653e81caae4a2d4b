-- Lists are read a page at a time by key (keyset), not by offset: each page is an index seek
-- to the cursor, whatever the history's length. One index per list order and filter, with the
-- ID as the last column so that (time, id) cursors are ranges of the index. Soft-deleted rows
-- never appear in lists, so the indexes of soft-deleted tables leave them out.
CREATE INDEX arrivals_guild_list ON arrivals (guild_id, arrived_at, id) WHERE deleted_at IS NULL;
CREATE INDEX arrivals_guild_country_list ON arrivals (guild_id, country, arrived_at, id) WHERE deleted_at IS NULL;
CREATE INDEX flights_guild_list ON flights (guild_id, eta, id) WHERE deleted_at IS NULL;
CREATE INDEX flights_guild_status_list ON flights (guild_id, status, eta, id) WHERE deleted_at IS NULL;
CREATE INDEX reminders_guild_list ON reminders (guild_id, status, due_at, id);
CREATE INDEX audit_entries_guild_list ON audit_entries (guild_id, id);
CREATE INDEX audit_entries_kind_list ON audit_entries (guild_id, kind, id);
CREATE INDEX audit_entries_record_list ON audit_entries (guild_id, kind, record_id, id);
