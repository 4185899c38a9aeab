/**
 * The StatusJournal over PostgreSQL (campaign_status_journal). An entry is applied in the transaction
 * that deletes it: whoever's delete takes the row applies it, and a caller that finds it gone (applied
 * by another, or waiting on another's delete, which then commits) skips it.
 */
import type { IngestSummary, JournalEntry, StatusReport } from '../types.js'
import type { SqlClient, SqlSession } from '../sql-client.js'
import { decodeStatuses, encodeStatuses } from '../journal-codec.js'
import { ingestIn } from './deliveries.js'

export async function journalStatuses (db: SqlClient, statuses: StatusReport[]): Promise<number> {
  // Prepared: it runs for every few webhook requests, and Meta's answers wait for it.
  const { rows: [row] } = await db.query<{ id: string }>('INSERT INTO campaign_status_journal (statuses) VALUES ($1) RETURNING id', [encodeStatuses(statuses)], 'wac_journal_statuses')
  return Number(row.id)
}

export async function applyJournaled (db: SqlClient, entries: JournalEntry[]): Promise<IngestSummary> {
  return await db.transaction(async tx => {
    const { rows } = await tx.query<{ id: string }>('DELETE FROM campaign_status_journal WHERE id = ANY ($1::bigint[]) RETURNING id', [entries.map(e => e.id)])
    const taken = new Set(rows.map(row => Number(row.id)))
    return await applyStatuses(tx, entries.filter(entry => taken.has(entry.id)).flatMap(entry => entry.statuses))
  })
}

export async function applyStrandedStatuses (db: SqlClient, before: Date, limit: number): Promise<number> {
  return await db.transaction(async tx => {
    const { rows } = await tx.query<{ statuses: unknown }>(
      `DELETE FROM campaign_status_journal WHERE id IN (
         SELECT id FROM campaign_status_journal WHERE received_at < $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
       ) RETURNING statuses`,
      [before.toISOString(), limit]
    )
    await applyStatuses(tx, rows.flatMap(row => decodeStatuses(row.statuses)))
    return rows.length
  })
}

/**
 * Every entry committed so far, applied (here, or by the caller whose delete held it): for what must
 * see every status Meta was answered for. A transaction of its own, so that its locks (messages, then
 * runs) are never held while the caller locks messages again.
 */
export async function applyWholeJournal (db: SqlClient): Promise<void> {
  await db.transaction(async tx => {
    const { rows } = await tx.query<{ statuses: unknown }>('DELETE FROM campaign_status_journal RETURNING statuses')
    await applyStatuses(tx, rows.flatMap(row => decodeStatuses(row.statuses)))
  })
}

async function applyStatuses (tx: SqlSession, statuses: StatusReport[]): Promise<IngestSummary> {
  return await ingestIn(tx, { statuses, inbound: [], preferences: [], other: [] })
}
