-- Status webhooks acknowledged to Meta and not applied yet. The webhook route answers once a batch
-- of statuses is here (one insert, no lock on any message or run), and the process that took them
-- applies them right after, in large batches, deleting their entry in the same transaction. An
-- entry a stopped process left behind is applied by any instance after a short while, and before a
-- send in doubt is judged: its statuses may be the witnesses. Statuses only move messages forward,
-- so entries may be applied in any order; the delete makes each count once.
CREATE TABLE campaign_status_journal (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- StatusReport[] as JSON (journal-codec.ts); a wamid names one message of one tenant. Text, not
  -- jsonb: nothing here reads inside it, and text is taken in without being parsed, on the path
  -- Meta's answer waits for.
  statuses    text        NOT NULL
);
