-- The reaper (failStaleLeases): every instance looks, every second and across tenants, for `sending`
-- rows whose lease ran out in runs no longer running. Only in-flight rows are in this index, so the
-- look costs what is in flight, not a scan of every message ever sent (nor a probe per finished run).
CREATE INDEX campaign_messages_leased ON campaign_messages (lease_until) WHERE status = 'sending';
