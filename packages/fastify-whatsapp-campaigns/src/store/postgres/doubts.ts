/**
 * Sends in doubt over PostgreSQL: witnessed by a kept status naming them, resent (a bounded number of
 * times) when their neighbours' webhooks came, else failed. One transaction: the run's doubted rows, then the run.
 */
import type { DoubtResolution, RunRef } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { doubtNeighbours, mostDoubtResends, unknownOutcome } from '../codes.js'
import { applyTo, keptReport, lockRows, writeRows } from './deliveries.js'
import { applyWholeJournal } from './journal.js'

export async function resolveDoubts (db: SqlClient, run: RunRef, now: Date, windowMs: number): Promise<DoubtResolution> {
  const result: DoubtResolution = { witnessed: 0, resent: 0, failed: 0 }
  // A witness, or a neighbour's, may be acknowledged and not applied yet.
  await applyWholeJournal(db)
  return await db.transaction(async tx => {
    // The neighbours: the run's sends Meta accepted and claimed no later (the same claim has the same
    // lease), the latest of them; the proof is that each was witnessed.
    const { rows: doubted } = await tx.query<{ position: number, doubt_resends: number, neighbours: number, witnessed: number }>(
      `SELECT d.position, d.doubt_resends, n.neighbours, n.witnessed
         FROM campaign_messages d CROSS JOIN LATERAL (
           SELECT count(*)::int AS neighbours, count(s.witnessed_at)::int AS witnessed FROM (
             SELECT witnessed_at FROM campaign_messages
              WHERE run_id = d.run_id AND wamid IS NOT NULL AND lease_until <= d.lease_until
              ORDER BY lease_until DESC, position DESC
              LIMIT $4
           ) s
         ) n
        WHERE d.tenant = $1 AND d.run_id = $2 AND d.status = 'doubt'
          AND d.lease_until <= $3::timestamptz - $5::float8 * interval '1 millisecond'`,
      [run.tenant, run.runId, now.toISOString(), doubtNeighbours, windowMs]
    )
    if (doubted.length === 0) return result
    const rows = await lockRows(tx, [], doubted.map(d => ({ runId: run.runId, position: Number(d.position) })))
    // A row another call settled meanwhile is no longer in doubt.
    const open = new Map(rows.filter(r => r.status === 'doubt').map(r => [r.position, r]))
    const { rows: witnesses } = await tx.query<Record<string, any>>(
      `DELETE FROM campaign_early_statuses
        WHERE origin_run = $1 AND origin_position = ANY ($2::int[])
       RETURNING *`,
      [run.runId, [...open.keys()]]
    )
    const witnessedPositions = new Set<number>()
    for (const kept of witnesses) {
      const row = open.get(Number(kept.origin_position))
      if (row === undefined || witnessedPositions.has(row.position)) continue
      witnessedPositions.add(row.position)
      applyTo(row, keptReport(kept), now)
      result.witnessed++
    }
    const resend: number[] = []
    for (const d of doubted) {
      const row = open.get(Number(d.position))
      if (row === undefined || witnessedPositions.has(row.position)) continue
      if (Number(d.doubt_resends) < mostDoubtResends && d.neighbours > 0 && d.witnessed === d.neighbours) {
        resend.push(row.position)
        result.resent++
      } else {
        row.status = 'failed'
        row.error = { ...unknownOutcome }
        row.changed = true
        result.failed++
      }
    }
    await writeRows(tx, rows)
    if (resend.length > 0) {
      // Due at once whatever the clock, the attempt kept: sent again only once.
      await tx.query(
        `UPDATE campaign_messages SET status = 'pending', next_attempt_at = '-infinity', lease_until = NULL, doubt_resends = doubt_resends + 1, updated_at = now()
          WHERE run_id = $1 AND position = ANY ($2::int[])`,
        [run.runId, resend]
      )
    }
    return result
  })
}
