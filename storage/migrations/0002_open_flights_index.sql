-- 0002: /forces and the digest look for the next open flight (scheduled or delayed) of a guild.
-- With only (guild_id, eta), finding the oldest flight still open past its ETA walks every
-- landed flight before it; this index reaches open flights directly, whatever the history.
CREATE INDEX flights_guild_status_eta ON flights (guild_id, status, eta);
