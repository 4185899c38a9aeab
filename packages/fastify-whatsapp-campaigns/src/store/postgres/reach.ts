/** The PostgreSQL store's count of the unique recipients a sending number reached in a window. */
import type { ReachQuery, StoredReach, Tenant } from '../types.js'
import type { SqlClient } from '../sql-client.js'

export async function uniqueRecipients (db: SqlClient, tenant: Tenant, query: ReachQuery): Promise<StoredReach> {
  // The tenant's runs from the number that may have sent in the window: those not finished before it
  // (sends in flight at a cancel are recorded after it, within their lease: an hour's margin covers
  // any). A message is its run's tenant's (the foreign key says so), so the runs scope the messages.
  // Each run's window is a range of campaign_messages_run_sent read alone; the phones asked about are
  // hashed once (a semi-join: a phone asked twice counts once). The cost is the window's messages plus the list, never every message sent.
  const { rows: [row] } = await db.query<{ reached: number, among: number }>(
    `WITH runs AS (
       SELECT id FROM campaign_runs
        WHERE tenant = $1 AND sender = $2 AND (finished_at IS NULL OR finished_at >= $3::timestamptz - interval '1 hour')
     ), reached AS (
       SELECT DISTINCT m.phone
         FROM runs r
         JOIN campaign_messages m ON m.run_id = r.id AND m.wamid IS NOT NULL AND m.sent_at >= $3
     )
     SELECT (SELECT count(*) FROM reached)::int AS reached,
            (SELECT count(*) FROM reached WHERE phone IN (SELECT unnest($4::text[])))::int AS among`,
    [tenant, query.sender, query.since.toISOString(), query.phones]
  )
  return { reached: Number(row.reached), among: Number(row.among) }
}
