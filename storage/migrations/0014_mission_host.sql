-- 0014: host is the country where the mission serves (SPEC §2; alpha-2, 'HT' for the MSS in
-- Haiti). Its forces are not a contributor's: a report's mention of them drafts nothing.
ALTER TABLE guilds ADD COLUMN host TEXT NOT NULL DEFAULT 'HT';
