-- The schema: campaigns and their contact lists, runs and their per-recipient message rows, and the
-- send timeline every instance shares.
--
-- Every row carries its tenant, and child rows reference their parent by (tenant, id), so a row can
-- never hang under another tenant's campaign whatever the application code does.

-- ── campaigns ─────────────────────────────────────────────────────────────────────────────────
CREATE TABLE campaigns (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant        text        NOT NULL,
  name          text        NOT NULL,
  template_name text        NOT NULL,
  language      text        NOT NULL,
  parameters    jsonb       NOT NULL DEFAULT '[]',
  -- Named, so that a release adding a status can replace the check by its name.
  status        text        NOT NULL DEFAULT 'draft'
                CONSTRAINT campaigns_status_check
                CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled')),
  -- Kept with the contact list in the same transaction: a draft's total without counting 100k rows.
  contact_count integer     NOT NULL DEFAULT 0 CHECK (contact_count >= 0),
  -- The run the campaign's counters and messages come from. No foreign key: runs already reference
  -- campaigns (cascading), and a cycle of cascades would only add ordering traps on delete.
  latest_run_id integer,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- When a `scheduled` campaign starts by itself. Kept after it started: the status says whether it is due.
  scheduled_at  timestamptz,
  CONSTRAINT campaigns_tenant_id_key UNIQUE (tenant, id)
);

-- The list: per tenant, newest first, optionally by status.
CREATE INDEX campaigns_tenant_newest ON campaigns (tenant, created_at DESC, id DESC);
CREATE INDEX campaigns_tenant_status_newest ON campaigns (tenant, status, created_at DESC, id DESC);
-- The engine's poll for due campaigns, across tenants: only the scheduled ones are in it.
CREATE INDEX campaigns_due ON campaigns (scheduled_at, id) WHERE status = 'scheduled';

CREATE TABLE campaign_contacts (
  tenant      text    NOT NULL,
  campaign_id integer NOT NULL,
  position    integer NOT NULL CHECK (position > 0),
  phone       text    NOT NULL,
  name        text,
  -- The contact's own template parameters (null: the campaign's apply).
  parameters  jsonb,
  PRIMARY KEY (campaign_id, position),
  FOREIGN KEY (tenant, campaign_id) REFERENCES campaigns (tenant, id) ON DELETE CASCADE
);

-- ── runs ──────────────────────────────────────────────────────────────────────────────────────
CREATE TABLE campaign_runs (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant        text        NOT NULL,
  campaign_id   integer     NOT NULL,
  -- Named, like the campaigns' check, so that a release adding a status can replace it.
  status        text        NOT NULL DEFAULT 'running'
                CONSTRAINT campaign_runs_status_check
                CHECK (status IN ('running', 'paused', 'completed', 'failed', 'cancelled')),
  -- What the run sends, fixed at its start: editing the campaign never changes a run under way.
  template_name text        NOT NULL,
  language      text        NOT NULL,
  parameters    jsonb       NOT NULL,
  total_count   integer     NOT NULL CHECK (total_count >= 0),
  success_count integer     NOT NULL DEFAULT 0 CHECK (success_count >= 0),
  failed_count  integer     NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
  -- Why the run failed, or why it is paused (shown until it is resumed). Codes are text: Meta's are
  -- digits, ours are words (RUN_HALTED…).
  error_code    text,
  error_title   text,
  error_message text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  -- Two samples of (when, recipients settled then), moved along by every record: the newer one takes
  -- the older's place once it is a few seconds old, so "the rate now" is what settled since the older
  -- one over its age, read from this row alone (no count over a million message rows per GET).
  rate_older_at      timestamptz NOT NULL DEFAULT now(),
  rate_older_settled integer     NOT NULL DEFAULT 0,
  rate_newer_at      timestamptz NOT NULL DEFAULT now(),
  rate_newer_settled integer     NOT NULL DEFAULT 0,
  CONSTRAINT campaign_runs_tenant_id_key UNIQUE (tenant, id),
  FOREIGN KEY (tenant, campaign_id) REFERENCES campaigns (tenant, id) ON DELETE CASCADE
);

-- A campaign's runs: deleting a campaign finds them by it (and so does the cascade).
CREATE INDEX campaign_runs_campaign ON campaign_runs (campaign_id, id);
-- One run under way per campaign, whatever the number of server instances: starting another beside a
-- running or paused one fails. Also how the engine finds the runs to resume after a restart.
CREATE UNIQUE INDEX campaign_runs_one_active ON campaign_runs (campaign_id) WHERE status IN ('running', 'paused');

-- ── messages ──────────────────────────────────────────────────────────────────────────────────
-- One row per recipient of a run, known by its run and its place in it: the key the API shows (the
-- keyset cursor) and the one the engine's claims and records update by. No surrogate id: a row is
-- written three times in a run (the start, the claim, the outcome), each write enters every index
-- covering the row, and nothing would refer to one.
CREATE TABLE campaign_messages (
  tenant            text        NOT NULL,
  run_id            integer     NOT NULL,
  position          integer     NOT NULL,
  phone             text        NOT NULL,
  name              text,
  -- The contact's own parameters, copied at the run's start like the rest of the row.
  parameters        jsonb,
  -- Keeps no statistics (below).
  status            text        NOT NULL DEFAULT 'pending'
                    CONSTRAINT campaign_messages_status_check
                    CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed')),
  -- Meta's message id, once sent (unique: its index is below).
  wamid             text,
  attempts          integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  lease_until       timestamptz,
  error_code        text,
  error_title       text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  -- Sends Meta refused with the pair-rate limit (131056): retried on a budget of their own.
  pair_rate_retries integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, position),
  FOREIGN KEY (tenant, run_id) REFERENCES campaign_runs (tenant, id) ON DELETE CASCADE
);

-- The share of a status in the table is a passing figure that no plan should rest on: right after a
-- big run starts nearly every row is pending, and a plan made then would take the primary key with a
-- filter over the pending rows' own index, walking every row already claimed before each claim finds
-- pending ones. The indexes below are partial by status and each query names the status whose index
-- it needs; without statistics the planner takes the default selectivity of an equality, small, and
-- the partial index wins whatever the table holds.
ALTER TABLE campaign_messages ALTER COLUMN status SET STATISTICS 0;

-- Claims: a run's due `pending` rows in position order. Only pending rows are in it (a claimed row
-- leaves it), so a claim reads what it takes, whatever the table holds: the usual shape for a queue
-- in a table. Also the pending rows of a run's figures and of the message list.
CREATE INDEX campaign_messages_pending ON campaign_messages (run_id, position) INCLUDE (next_attempt_at) WHERE status = 'pending';
-- The reaper (failStaleLeases): every instance looks, every second and across tenants, for `sending`
-- rows whose lease ran out in runs no longer running. Only in-flight rows are in it, so the look costs
-- what is in flight, not a scan of every message ever sent.
CREATE INDEX campaign_messages_leased ON campaign_messages (lease_until) WHERE status = 'sending';
-- The rows that reached an outcome, entered when they reach it: the message list by status in
-- position order, and a rerun of the failed. Pending and in-flight rows have the two indexes above,
-- so the writes of a run's start and of its claims enter nothing here.
CREATE INDEX campaign_messages_settled ON campaign_messages (run_id, status, position) WHERE status NOT IN ('pending', 'sending');
-- Meta's id is unique; a row gets one only once sent, and the rows without one take no entry. A
-- lookup by it (`wamid = $1`) can use this index.
CREATE UNIQUE INDEX campaign_messages_wamid_key ON campaign_messages (wamid) WHERE wamid IS NOT NULL;

-- ── pacing ────────────────────────────────────────────────────────────────────────────────────
-- One timeline of send slots per sending phone number, shared by every instance. Keyed by the
-- number, not by tenant: Meta limits a number whoever sends through it, so tenants sharing one
-- number share its rate. Times are epoch milliseconds on the database's clock (clock_timestamp()),
-- the one clock every instance agrees on.
CREATE TABLE campaign_send_pacing (
  number_key    text             PRIMARY KEY,
  -- The first slot nobody has reserved yet.
  next_slot_at  double precision NOT NULL,
  -- Messages per second now: lowered by throttles, won back a little by each reservation.
  rate          double precision NOT NULL CHECK (rate > 0),
  -- The latest reservation, for RETURNING (which sees only the new row): its first slot, its
  -- spacing and the clock it was made at.
  reserved_from double precision NOT NULL,
  interval_ms   double precision NOT NULL,
  reserved_at   double precision NOT NULL,
  -- The latest throttle: the 130429s of one burst, from every instance, count as one.
  throttled_at  double precision NOT NULL DEFAULT '-Infinity'
);
