-- Delivery tracking: what Meta's status webhooks say of each message (sent, delivered, read, failed
-- after sent), replies, each tenant's opt-out list, statuses that come before their send is recorded,
-- and recipients whose send is in doubt after a crash until a webhook witnesses it.

-- ── messages ──────────────────────────────────────────────────────────────────────────────────
-- `doubt`: claimed and maybe sent, its outcome never recorded (a crash, a connection lost after the
-- request was written); it waits for its witness (a status webhook naming it) or its window.
-- `skipped`: never sent because the phone is on the tenant's opt-out list.
ALTER TABLE campaign_messages DROP CONSTRAINT campaign_messages_status_check;
ALTER TABLE campaign_messages ADD CONSTRAINT campaign_messages_status_check
  CHECK (status IN ('pending', 'sending', 'doubt', 'sent', 'delivered', 'read', 'failed', 'skipped'));

ALTER TABLE campaign_messages
  -- When Meta accepted it: the record's clock, replaced by Meta's timestamp of its `sent` status.
  ADD COLUMN sent_at      timestamptz,
  -- Meta's timestamps of the statuses.
  ADD COLUMN delivered_at timestamptz,
  ADD COLUMN read_at      timestamptz,
  -- The first answer of the recipient that counts as a reply to this message.
  ADD COLUMN replied_at   timestamptz,
  -- When the first status webhook about it arrived (our clock): the proof that its webhooks flow.
  ADD COLUMN witnessed_at timestamptz,
  -- How often a send in doubt went back to pending for want of a witness: bounded (codes.ts).
  ADD COLUMN doubt_resends smallint NOT NULL DEFAULT 0 CHECK (doubt_resends >= 0);

-- A recipient's answers find the messages sent to that phone (replies, and the tenants a STOP opts out
-- of). Only messages Meta accepted have an entry.
CREATE INDEX campaign_messages_phone_sent ON campaign_messages (phone, sent_at) WHERE wamid IS NOT NULL;
-- The in-doubt rows of a run, for their resolution; there are none outside a crash's aftermath.
CREATE INDEX campaign_messages_doubt ON campaign_messages (run_id, position) WHERE status = 'doubt';

-- ── runs ──────────────────────────────────────────────────────────────────────────────────────
ALTER TABLE campaign_runs
  -- Kept in step with the messages by the statements that move them, like success and failed.
  ADD COLUMN delivered_count integer NOT NULL DEFAULT 0 CHECK (delivered_count >= 0),
  ADD COLUMN read_count      integer NOT NULL DEFAULT 0 CHECK (read_count >= 0),
  ADD COLUMN replied_count   integer NOT NULL DEFAULT 0 CHECK (replied_count >= 0),
  ADD COLUMN skipped_count   integer NOT NULL DEFAULT 0 CHECK (skipped_count >= 0),
  -- The phone number id the run sends from: inbound messages to that number find the run's recipients.
  ADD COLUMN sender text;

-- ── opt-outs ──────────────────────────────────────────────────────────────────────────────────
-- Each tenant's phones that asked not to be messaged; runs skip them.
CREATE TABLE campaign_opt_outs (
  tenant     text        NOT NULL,
  phone      text        NOT NULL,
  -- What put it there: a stop keyword, WhatsApp's own marketing opt-out, Meta's 131050, or the host.
  source     text        NOT NULL CHECK (source IN ('keyword', 'preference', 'error', 'api')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, phone)
);

-- ── statuses not matched yet ──────────────────────────────────────────────────────────────────
-- A status whose wamid no row has yet: its send's outcome is not recorded yet (the webhook came first),
-- or its send is in doubt (then `origin` names the row, from the callback data), or it is another app's
-- on the same number (it expires). One row per wamid, merged: the earliest timestamp of each status.
CREATE TABLE campaign_early_statuses (
  wamid           text        PRIMARY KEY,
  origin_run      integer,
  origin_position integer,
  sent_at         timestamptz,
  delivered_at    timestamptz,
  read_at         timestamptz,
  failed_at       timestamptz,
  error_code      text,
  error_title     text,
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaign_early_statuses_origin ON campaign_early_statuses (origin_run, origin_position) WHERE origin_run IS NOT NULL;
CREATE INDEX campaign_early_statuses_received ON campaign_early_statuses (received_at);

-- ── other webhook fields ──────────────────────────────────────────────────────────────────────
-- Fields the plugin acknowledges without acting on them yet (template status updates among them).
CREATE TABLE campaign_webhook_events (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  field       text        NOT NULL,
  account_id  text,
  value       jsonb       NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
