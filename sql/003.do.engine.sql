-- The campaign engine: pause, resume, cancel and schedules; live figures; the pair-rate budget; pacing
-- shared by every instance.

-- ── campaigns ─────────────────────────────────────────────────────────────────────────────────
ALTER TABLE campaigns DROP CONSTRAINT campaigns_status_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_check
  CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled'));

-- When a `scheduled` campaign starts by itself. Kept after it started: the status says whether it is due.
ALTER TABLE campaigns ADD COLUMN scheduled_at timestamptz;

-- The engine's poll for due campaigns, across tenants: only the scheduled ones are in it.
CREATE INDEX campaigns_due ON campaigns (scheduled_at, id) WHERE status = 'scheduled';

-- ── runs ──────────────────────────────────────────────────────────────────────────────────────
ALTER TABLE campaign_runs DROP CONSTRAINT campaign_runs_status_check;
ALTER TABLE campaign_runs ADD CONSTRAINT campaign_runs_status_check
  CHECK (status IN ('running', 'paused', 'completed', 'failed', 'cancelled'));

-- A paused run is still the campaign's one run under way: starting another beside it must fail.
DROP INDEX campaign_runs_one_running;
CREATE UNIQUE INDEX campaign_runs_one_active ON campaign_runs (campaign_id) WHERE status IN ('running', 'paused');

-- Two samples of (when, recipients settled then), moved along by every record: the newer one takes
-- the older's place once it is a few seconds old, so "the rate now" is what settled since the older
-- one over its age, read from this row alone (no count over a million message rows per GET).
-- (The error columns double as the reason of a pause, shown until the run is resumed.)
ALTER TABLE campaign_runs
  ADD COLUMN rate_older_at      timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN rate_older_settled integer     NOT NULL DEFAULT 0,
  ADD COLUMN rate_newer_at      timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN rate_newer_settled integer     NOT NULL DEFAULT 0;

-- ── messages ──────────────────────────────────────────────────────────────────────────────────
-- Sends Meta refused with the pair-rate limit (131056): retried on a budget of their own.
ALTER TABLE campaign_messages ADD COLUMN pair_rate_retries integer NOT NULL DEFAULT 0;

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
