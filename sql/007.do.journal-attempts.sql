-- How often an entry failed when tried on its own (its statuses are not something the store can
-- take: a corrupted row, a value PostgreSQL refuses). The sweep tries such an entry again until it
-- has failed mostJournalAttempts times, then leaves it here, out of every selection, for an
-- operator: a failure that repeats is not going away, and retrying it every few seconds for ever
-- would fill the database's log with the same error.
ALTER TABLE campaign_status_journal ADD COLUMN attempts int NOT NULL DEFAULT 0;
