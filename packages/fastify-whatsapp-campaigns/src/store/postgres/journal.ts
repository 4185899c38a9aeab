/**
 * The StatusJournal over PostgreSQL (campaign_status_journal). An entry is applied in the transaction
 * that deletes it: whoever's delete takes the row applies it, and a caller that finds it gone (applied
 * by another, or waiting on another's delete, which then commits) skips it.
 */
import type { IngestSummary, JournalEntry, StatusReport } from '../types.js'
import type { SqlClient, SqlSession } from '../sql-client.js'
import { decodeStatuses, encodeStatuses } from '../journal-codec.js'
import { mostJournalAttempts } from '../codes.js'
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

/** The oldest entries received before $1, up to $2, that no other caller is applying, and that failed fewer than $3 times. */
const strandedPage = 'SELECT id FROM campaign_status_journal WHERE received_at < $1 AND attempts < $3 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED'

/** Every entry that failed fewer than $1 times, waiting for those another caller is applying (gone once it commits). */
const wholeJournal = 'SELECT id FROM campaign_status_journal WHERE attempts < $1 FOR UPDATE'

export async function applyStrandedStatuses (db: SqlClient, before: Date, limit: number): Promise<number> {
  return await applySelected(db, strandedPage, [before.toISOString(), limit, mostJournalAttempts])
}

/**
 * Every entry committed so far, applied (here, or by the caller whose delete held it): for what must
 * see every status Meta was answered for. A transaction of its own, so that its locks (messages, then
 * runs) are never held while the caller locks messages again.
 */
export async function applyWholeJournal (db: SqlClient): Promise<void> {
  await applySelected(db, wholeJournal, [mostJournalAttempts])
}

/** Applies and removes the entries `selection` (a query of ids, which locks them) names; answers how many. */
async function applySelected (db: SqlClient, selection: string, values: unknown[]): Promise<number> {
  try {
    return await db.transaction(async tx => {
      const { rows } = await tx.query<{ statuses: string }>(`DELETE FROM campaign_status_journal WHERE id IN (${selection}) RETURNING statuses`, values)
      await applyStatuses(tx, rows.flatMap(row => decodeStatuses(row.statuses)))
      return rows.length
    })
  } catch {
    // One entry the store cannot take (whatever the reason) must not hold back the rest for ever, nor
    // stop sends in doubt being judged: they go one by one, and what fails stays journaled (the
    // applier that set it aside said so). Rare, so the loop of statements costs the usual path nothing.
    return await applyOneByOne(db, selection, values)
  }
}

/** Applies and removes each entry `selection` names in a savepoint of its own, leaving those that fail, each failure counted. */
async function applyOneByOne (db: SqlClient, selection: string, values: unknown[]): Promise<number> {
  return await db.transaction(async tx => {
    const { rows } = await tx.query<{ id: string, statuses: string }>(`SELECT id, statuses FROM campaign_status_journal WHERE id IN (${selection}) ORDER BY id`, values)
    let applied = 0
    for (const row of rows) {
      await tx.query('SAVEPOINT journal_entry')
      try {
        await applyStatuses(tx, decodeStatuses(row.statuses))
        await tx.query('DELETE FROM campaign_status_journal WHERE id = $1', [row.id])
        await tx.query('RELEASE SAVEPOINT journal_entry')
        applied++
      } catch {
        await tx.query('ROLLBACK TO SAVEPOINT journal_entry')
        await tx.query('UPDATE campaign_status_journal SET attempts = attempts + 1 WHERE id = $1', [row.id])
      }
    }
    return applied
  })
}

async function applyStatuses (tx: SqlSession, statuses: StatusReport[]): Promise<IngestSummary> {
  return await ingestIn(tx, { statuses, inbound: [], preferences: [], other: [] })
}
