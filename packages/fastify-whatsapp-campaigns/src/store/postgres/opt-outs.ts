/** The opt-out lists of the PostgreSQL store: each tenant's phones, keyed by (tenant, phone). */
import type { OptOutQuery, OptOutSource, StoredOptOut, Tenant } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { toDate } from './rows.js'

export async function optOuts (db: SqlClient, tenant: Tenant, query: OptOutQuery): Promise<StoredOptOut[]> {
  if (!(query.limit > 0)) return []
  // A walk of the primary key from the cursor on: a page costs its own size, however long the list.
  const { rows } = await db.query<{ phone: string, source: OptOutSource, created_at: Date | string }>(
    `SELECT phone, source, created_at FROM campaign_opt_outs
      WHERE tenant = $1 AND phone > $2 AND ($3::text IS NULL OR phone = $3)
      ORDER BY phone
      LIMIT $4`,
    [tenant, query.after ?? '', query.phone ?? null, query.limit]
  )
  return rows.map(row => ({ phone: row.phone, source: row.source, createdAt: toDate(row.created_at) }))
}

export async function addOptOuts (db: SqlClient, tenant: Tenant, phones: string[], source: OptOutSource): Promise<number> {
  if (phones.length === 0) return 0
  // One statement whatever the list's length; a phone already there (or twice in the list) keeps its first entry.
  const { rows: [row] } = await db.query<{ added: number }>(
    `WITH added AS (
       INSERT INTO campaign_opt_outs (tenant, phone, source)
       SELECT $1, phone, $3 FROM unnest($2::text[]) AS p(phone)
       ON CONFLICT DO NOTHING
       RETURNING 1
     )
     SELECT count(*)::int AS added FROM added`,
    [tenant, phones, source]
  )
  return Number(row.added)
}

export async function removeOptOut (db: SqlClient, tenant: Tenant, phone: string): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM campaign_opt_outs WHERE tenant = $1 AND phone = $2 RETURNING 1', [tenant, phone])
  return rows.length > 0
}

export async function optedOutAmong (db: SqlClient, tenant: Tenant, phones: string[]): Promise<Set<string>> {
  if (phones.length === 0) return new Set()
  // One probe of the primary key per phone asked about, in one statement.
  const { rows } = await db.query<{ phone: string }>(
    'SELECT phone FROM campaign_opt_outs WHERE tenant = $1 AND phone = ANY($2::text[])',
    [tenant, phones]
  )
  return new Set(rows.map(row => row.phone))
}
