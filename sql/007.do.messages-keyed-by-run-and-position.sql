-- A message row is known by its run and its place in it, which was already unique and is what the
-- API shows (the keyset cursor). The surrogate id kept a second index that every write of a row (the
-- start, the claim, the outcome) had to enter: without it, those writes cost PostgreSQL about a fifth
-- less. Nothing refers to the id.
--
-- The primary key's index is built anew over the table, which waits meanwhile: on a large existing
-- table, upgrade in a quiet moment.
ALTER TABLE campaign_messages
  DROP CONSTRAINT campaign_messages_pkey,
  DROP COLUMN id,
  DROP CONSTRAINT campaign_messages_run_position_key,
  ADD CONSTRAINT campaign_messages_pkey PRIMARY KEY (run_id, position);
