-- Runs and their per-recipient message rows.

CREATE TABLE campaign_runs (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant        text        NOT NULL,
  campaign_id   integer     NOT NULL,
  status        text        NOT NULL DEFAULT 'running'
                CONSTRAINT campaign_runs_status_check CHECK (status IN ('running', 'completed', 'failed')),
  -- What the run sends, fixed at its start: editing the campaign never changes a run under way.
  template_name text        NOT NULL,
  language      text        NOT NULL,
  parameters    jsonb       NOT NULL,
  total_count   integer     NOT NULL CHECK (total_count >= 0),
  success_count integer     NOT NULL DEFAULT 0 CHECK (success_count >= 0),
  failed_count  integer     NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
  -- Why the run failed. Codes are text: Meta's are digits, ours are words (RUN_HALTED…).
  error_code    text,
  error_title   text,
  error_message text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  CONSTRAINT campaign_runs_tenant_id_key UNIQUE (tenant, id),
  FOREIGN KEY (tenant, campaign_id) REFERENCES campaigns (tenant, id) ON DELETE CASCADE
);

CREATE INDEX campaign_runs_campaign ON campaign_runs (campaign_id, id);
-- One run of a campaign at a time, whatever the number of server instances; also how the engine
-- finds the runs to resume after a restart. A later migration may widen the predicate (paused…).
CREATE UNIQUE INDEX campaign_runs_one_running ON campaign_runs (campaign_id) WHERE status = 'running';

CREATE TABLE campaign_messages (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant          text        NOT NULL,
  run_id          integer     NOT NULL,
  position        integer     NOT NULL,
  phone           text        NOT NULL,
  name            text,
  -- The contact's own parameters, copied at the run's start like the rest of the row.
  parameters      jsonb,
  status          text        NOT NULL DEFAULT 'pending'
                  CONSTRAINT campaign_messages_status_check
                  CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed')),
  -- Meta's message id: status webhooks find the row by it.
  wamid           text        CONSTRAINT campaign_messages_wamid_key UNIQUE,
  attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  error_code      text,
  error_title     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  -- Also the index for paging a run's messages by position (keyset).
  CONSTRAINT campaign_messages_run_position_key UNIQUE (run_id, position),
  FOREIGN KEY (tenant, run_id) REFERENCES campaign_runs (tenant, id) ON DELETE CASCADE
);

-- Claiming walks a run's pending rows in position order (the due check filters on the way), and
-- the message list filters by status in position order: position must follow the equality columns
-- for both to read rows in order instead of sorting every pending row of a 100k run per claim.
CREATE INDEX campaign_messages_claim ON campaign_messages (run_id, status, position) INCLUDE (next_attempt_at);
