-- 0003: the dispatcher sleeps until the next moment a row becomes claimable, which is either a
-- free row's due time or a leased row's lease end (a retry, or a crashed sender's claim). This
-- index finds the earliest lease end without scanning the pending rows.
CREATE INDEX reminders_lease ON reminders (status, lease_until);
