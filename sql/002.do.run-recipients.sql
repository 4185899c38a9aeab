-- Whom each run sent to, for the history of a campaign's runs: every contact, or the failed
-- recipients of the run before it. Runs made before this column are taken as runs of every contact:
-- which of them were reruns of the failed was not kept.
ALTER TABLE campaign_runs
  ADD COLUMN recipients text NOT NULL DEFAULT 'all'
  CONSTRAINT campaign_runs_recipients_check CHECK (recipients IN ('all', 'failed'));
