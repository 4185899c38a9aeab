-- Campaigns and their contact lists.
-- Every row carries its tenant, and child rows reference their parent by (tenant, id), so a row can
-- never hang under another tenant's campaign whatever the application code does.

CREATE TABLE campaigns (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant        text        NOT NULL,
  name          text        NOT NULL,
  template_name text        NOT NULL,
  language      text        NOT NULL,
  parameters    jsonb       NOT NULL DEFAULT '[]',
  -- Named so that a later migration can replace it when statuses are added.
  status        text        NOT NULL DEFAULT 'draft'
                CONSTRAINT campaigns_status_check CHECK (status IN ('draft', 'running', 'completed', 'failed')),
  -- Kept with the contact list in the same transaction: a draft's total without counting 100k rows.
  contact_count integer     NOT NULL DEFAULT 0 CHECK (contact_count >= 0),
  -- The run the campaign's counters and messages come from. No foreign key: runs already reference
  -- campaigns (cascading), and a cycle of cascades would only add ordering traps on delete.
  latest_run_id integer,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaigns_tenant_id_key UNIQUE (tenant, id)
);

-- The list: per tenant, newest first, optionally by status.
CREATE INDEX campaigns_tenant_newest ON campaigns (tenant, created_at DESC, id DESC);
CREATE INDEX campaigns_tenant_status_newest ON campaigns (tenant, status, created_at DESC, id DESC);

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
