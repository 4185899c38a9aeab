-- The unique recipients a sending number reached in the last 24 h (Meta's messaging limit counts
-- them), read per run of that number: each run's accepted messages by when Meta accepted them, with
-- the phone, so the window is a range of this index read alone, never the run's every row. Only
-- messages Meta accepted have an entry, as in campaign_messages_phone_sent.
CREATE INDEX campaign_messages_run_sent ON campaign_messages (run_id, sent_at) INCLUDE (phone) WHERE wamid IS NOT NULL;
