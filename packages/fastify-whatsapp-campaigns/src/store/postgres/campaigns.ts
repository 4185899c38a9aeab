/** The campaign side of the PostgreSQL store: what the API reads and edits. */
import { campaignStatuses, type CampaignStatus, type Contact } from '../../schemas/campaign.js'
import type { CampaignChanges, ContactQuery, Guarded, ListQuery, MessageQuery, NameSearch, NewCampaign, PositionedContact, StatusCounts, StoredCampaign, StoredContact, StoredMessage, StoredRunHistory, Tenant } from '../types.js'
import type { Queryable, SqlClient } from '../sql-client.js'
import { storedStatuses, type StoredMessageStatus } from '../codes.js'
import { containsPattern } from '../name-search.js'
import { campaignStatus, guarded, refusal } from './guard.js'
import {
  campaignRunsSelect, summarySelect, toContact, toDate, toMessage, toStoredCampaign, toStoredCampaignRun,
  type CampaignRunRow, type ContactRow, type MessageRow, type SummaryRow, messageColumns
} from './rows.js'

export async function createCampaign (db: SqlClient, tenant: Tenant, campaign: NewCampaign): Promise<StoredCampaign> {
  return db.transaction(async tx => {
    const scheduledAt = campaign.scheduledAt ?? null
    const { rows: [row] } = await tx.query<{ id: number }>(
      `INSERT INTO campaigns (tenant, name, template_name, language, parameters, contact_count, status, scheduled_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
       RETURNING id`,
      [
        tenant, campaign.name, campaign.templateName, campaign.language, JSON.stringify(campaign.parameters), campaign.contacts.length,
        scheduledAt === null ? 'draft' : 'scheduled', scheduledAt?.toISOString() ?? null
      ]
    )
    await insertContacts(tx, tenant, row.id, campaign.contacts)
    return (await readCampaign(tx, tenant, row.id))!
  })
}

/** The whole list in one statement, whatever its length: arrays in, rows out, positions from ordinality. */
async function insertContacts (tx: Queryable, tenant: Tenant, campaignId: number, contacts: StoredContact[]): Promise<void> {
  if (contacts.length === 0) return
  const phones = new Array<string>(contacts.length)
  const names = new Array<string | null>(contacts.length)
  // jsonb values travel as JSON text: pg would turn a JS array into a PostgreSQL array literal.
  const parameters = new Array<string | null>(contacts.length)
  contacts.forEach((contact, i) => {
    phones[i] = contact.phone
    names[i] = contact.name ?? null
    parameters[i] = contact.parameters == null ? null : JSON.stringify(contact.parameters)
  })
  await tx.query(
    `INSERT INTO campaign_contacts (tenant, campaign_id, position, phone, name, parameters)
     SELECT $1, $2, c.position::int, c.phone, c.name, c.parameters
       FROM unnest($3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS c(phone, name, parameters, position)`,
    [tenant, campaignId, phones, names, parameters]
  )
}

export async function readCampaign (db: Queryable, tenant: Tenant, id: number): Promise<StoredCampaign | null> {
  const { rows: [row] } = await db.query<SummaryRow>(`${summarySelect} WHERE c.tenant = $1 AND c.id = $2`, [tenant, id])
  return row === undefined ? null : toStoredCampaign(row)
}

/** The search's ILIKE pattern, or null for none: the `$n::text IS NULL OR` of the queries below. */
function namePattern (query: NameSearch): string | null {
  return query.q === undefined ? null : containsPattern(query.q)
}

export async function listCampaigns (db: SqlClient, tenant: Tenant, query: ListQuery): Promise<{ items: StoredCampaign[], total: number }> {
  const status = query.status ?? null
  const name = namePattern(query)
  const { rows } = await db.query<SummaryRow>(
    `${summarySelect}
      WHERE c.tenant = $1 AND ($2::text IS NULL OR c.status = $2) AND ($5::text IS NULL OR c.name ILIKE $5 ESCAPE '\\')
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT $3 OFFSET $4`,
    [tenant, status, query.limit, query.offset, name]
  )
  // Counted apart: a page past the end has no row to carry a windowed count.
  const { rows: [count] } = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM campaigns
      WHERE tenant = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR name ILIKE $3 ESCAPE '\\')`,
    [tenant, status, name]
  )
  return { items: rows.map(toStoredCampaign), total: Number(count.total) }
}

export async function statusCounts (db: SqlClient, tenant: Tenant, query: NameSearch): Promise<StatusCounts> {
  const { rows } = await db.query<{ status: CampaignStatus, n: number }>(
    `SELECT status, count(*)::int AS n FROM campaigns
      WHERE tenant = $1 AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\')
      GROUP BY status`,
    [tenant, namePattern(query)]
  )
  const counts = Object.fromEntries(campaignStatuses.map(status => [status, 0])) as StatusCounts
  for (const row of rows) counts[row.status] = Number(row.n)
  return counts
}

export async function listContacts (db: SqlClient, tenant: Tenant, id: number): Promise<Contact[] | null> {
  const { rows } = await db.query<ContactRow>(
    'SELECT phone, name, parameters FROM campaign_contacts WHERE tenant = $1 AND campaign_id = $2 ORDER BY position',
    [tenant, id]
  )
  if (rows.length === 0 && await campaignStatus(db, tenant, id) === null) return null
  return rows.map(toContact)
}

export async function contactPage (db: SqlClient, tenant: Tenant, id: number, query: ContactQuery): Promise<PositionedContact[] | null> {
  const { rows } = await db.query<ContactRow & { position: number }>(
    `SELECT position, phone, name, parameters FROM campaign_contacts
      WHERE tenant = $1 AND campaign_id = $2 AND position > $3::bigint
      ORDER BY position LIMIT $4`,
    [tenant, id, query.after ?? 0, query.limit]
  )
  if (rows.length === 0 && await campaignStatus(db, tenant, id) === null) return null
  return rows.map(row => ({ position: Number(row.position), phone: row.phone, name: row.name, parameters: row.parameters }))
}

export async function listMessages (db: SqlClient, tenant: Tenant, id: number, query: MessageQuery): Promise<StoredMessage[] | null> {
  const statuses = query.status === undefined ? [] : storedStatuses(query.status)
  // One walk in position order per stored status, then merged. Statuses OR-ed in one walk would go
  // along the whole run: the planner expects them spread evenly, and the pending ones are all at its
  // end. The run is looked up first, as a value, so that no join sorts the run either: the latest, or
  // the one asked for (the parameter after the limit) when it is this campaign's (by the runs' unique
  // key on tenant and id).
  const runs = query.run === undefined ? [] : [query.run]
  const run = query.run === undefined
    ? '(SELECT c.latest_run_id FROM campaigns c WHERE c.tenant = $1 AND c.id = $2)'
    : '(SELECT r.id FROM campaign_runs r WHERE r.tenant = $1 AND r.id = $5::int AND r.campaign_id = $2)'
  const rowsOf = (statusParam: string | undefined): string =>
    `SELECT ${messageColumns.split(', ').map(column => `m.${column}`).join(', ')}
       FROM campaign_messages m
      WHERE m.tenant = $1 AND m.run_id = ${run}
        AND m.position > $3::bigint${statusParam === undefined ? '' : ` AND m.status = ${statusParam}`}`
  // Pending and settled rows each have an index in position order. In-flight rows have theirs by lease
  // (for the reaper), and they are few: they are read whole, then sorted. Offered a walk in position
  // order, the planner would take the primary key and read every row sent before them, as nothing
  // tells it how few they are (the status keeps no statistics: see the schema).
  const walk = (status?: StoredMessageStatus, statusParam?: string): string => status === 'sending'
    ? `(WITH in_flight AS MATERIALIZED (${rowsOf(statusParam)}) SELECT * FROM in_flight ORDER BY position LIMIT $4)`
    : `(${rowsOf(statusParam)} ORDER BY m.position LIMIT $4)`
  const walks = statuses.length === 0 ? [walk()] : statuses.map((status, i) => walk(status, `$${5 + runs.length + i}`))
  const { rows } = await db.query<MessageRow>(
    walks.length === 1 ? walks[0] : `SELECT * FROM (${walks.join(' UNION ALL ')}) page ORDER BY position LIMIT $4`,
    [tenant, id, query.after ?? 0, query.limit, ...runs, ...statuses]
  )
  if (rows.length === 0) {
    if (await campaignStatus(db, tenant, id) === null) return null
    if (query.run !== undefined && !(await isRunOf(db, tenant, id, query.run))) return null
  }
  return rows.map(toMessage)
}

async function isRunOf (db: SqlClient, tenant: Tenant, id: number, runId: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM campaign_runs WHERE tenant = $1 AND id = $2 AND campaign_id = $3', [tenant, runId, id])
  return rows.length > 0
}

export async function listRuns (db: SqlClient, tenant: Tenant, id: number): Promise<StoredRunHistory | null> {
  // By the runs' index on (campaign_id, id), walked backwards: newest first.
  const { rows } = await db.query<CampaignRunRow>(
    `${campaignRunsSelect} ORDER BY r.id DESC`,
    [tenant, id]
  )
  if (rows.length === 0) {
    const { rows: [clock] } = await db.query<{ now: Date | string }>('SELECT now() AS now FROM campaigns WHERE tenant = $1 AND id = $2', [tenant, id])
    return clock === undefined ? null : { runs: [], readAt: toDate(clock.now) }
  }
  return { runs: rows.map(toStoredCampaignRun), readAt: toDate(rows[0].now) }
}

export async function updateCampaign (
  db: SqlClient, tenant: Tenant, id: number, changes: CampaignChanges, allowed: readonly CampaignStatus[]
): Promise<Guarded<StoredCampaign>> {
  return guarded(db, tenant, id, async tx => {
    // scheduledAt: absent leaves both columns; a time schedules the campaign, null unschedules it. A
    // campaign with a run under way keeps its status whatever the caller allowed: its run decides it.
    const { rows: [row] } = await tx.query(
      `UPDATE campaigns
          SET name = COALESCE($3, name),
              template_name = COALESCE($4, template_name),
              language = COALESCE($5, language),
              parameters = COALESCE($6::jsonb, parameters),
              contact_count = COALESCE($7::int, contact_count),
              scheduled_at = CASE WHEN $9::boolean THEN $10::timestamptz ELSE scheduled_at END,
              status = CASE
                WHEN NOT $9::boolean OR status IN ('running', 'paused') THEN status
                WHEN $10::timestamptz IS NOT NULL THEN 'scheduled'
                WHEN status = 'scheduled' THEN 'draft'
                ELSE status END,
              updated_at = now()
        WHERE tenant = $1 AND id = $2 AND status = ANY($8::text[])
        RETURNING id`,
      [
        tenant, id, changes.name ?? null, changes.templateName ?? null, changes.language ?? null,
        changes.parameters === undefined ? null : JSON.stringify(changes.parameters),
        changes.contacts?.length ?? null, [...allowed],
        changes.scheduledAt !== undefined, changes.scheduledAt?.toISOString() ?? null
      ]
    )
    if (row === undefined) return null
    if (changes.contacts !== undefined) {
      await tx.query('DELETE FROM campaign_contacts WHERE tenant = $1 AND campaign_id = $2', [tenant, id])
      await insertContacts(tx, tenant, id, changes.contacts)
    }
    return { ok: true, value: (await readCampaign(tx, tenant, id))! }
  })
}

export async function deleteCampaign (db: SqlClient, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<null>> {
  // Checked first as well, so that a refused delete does not lock a run's million rows for nothing.
  const status = await campaignStatus(db, tenant, id)
  if (status === null || !allowed.includes(status)) return refusal(db, tenant, id)
  return guarded(db, tenant, id, async tx => {
    // Rows go in the order every other write locks them (messages by run and position, runs, then
    // the campaign: see runs.ts), not in the cascade's (campaign first): deleting a campaign while its
    // run is still recording outcomes must not deadlock with the engine.
    await tx.query(
      `DELETE FROM campaign_messages WHERE (run_id, position) IN (
         SELECT run_id, position FROM campaign_messages
          WHERE tenant = $1 AND run_id IN (SELECT id FROM campaign_runs WHERE tenant = $1 AND campaign_id = $2)
          ORDER BY run_id, position
          FOR UPDATE)`,
      [tenant, id]
    )
    await tx.query('DELETE FROM campaign_runs WHERE tenant = $1 AND campaign_id = $2', [tenant, id])
    // Contacts, and a run started meanwhile, go by ON DELETE CASCADE.
    const { rows } = await tx.query(
      'DELETE FROM campaigns WHERE tenant = $1 AND id = $2 AND status = ANY($3::text[]) RETURNING id',
      [tenant, id, [...allowed]]
    )
    return rows.length === 0 ? null : { ok: true, value: null }
  })
}
