-- Claims look for a run's due `pending` rows in position order. Over (run_id, status, position), or
-- (run_id, position) with a filter, the planner can be led by stale statistics to walk every row
-- already sent first: near the end of a million-recipient run, each claim read most of the run. This
-- index holds only pending rows (a claimed row leaves it), so a claim reads what it takes, whatever
-- the statistics say: the usual shape for a queue in a table.
CREATE INDEX campaign_messages_pending ON campaign_messages (run_id, position) INCLUDE (next_attempt_at) WHERE status = 'pending';
