-- What a worker has issued of each claim. Rows of one claim share their lease's end (`lease_until`);
-- before it sends a claimed message the worker raises its claim's `issued_through` to that message's
-- position, sending in position order. When a lease runs out (the worker died), only rows at or below
-- the mark may have reached Meta; the rest were never written and go back to pending.
--
-- Two claims of one run that end their leases at the same instant share a mark: the higher one
-- counts for both, which can only put more rows in doubt, never fewer. A claim's rows without a mark
-- (a worker of an older release) are all in doubt.
CREATE TABLE campaign_claim_marks (
  tenant         text        NOT NULL,
  run_id         integer     NOT NULL,
  lease_until    timestamptz NOT NULL,
  -- 0 until the first send: a mark at 0 proves nothing of the claim was issued.
  issued_through integer     NOT NULL DEFAULT 0 CHECK (issued_through >= 0),
  PRIMARY KEY (run_id, lease_until),
  FOREIGN KEY (tenant, run_id) REFERENCES campaign_runs (tenant, id) ON DELETE CASCADE
);
