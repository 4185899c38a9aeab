/** Recording what became of claimed messages: the rows, the run's counters and its rate sample in one statement. */
import type { MessageOutcome, RunRef } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { encodeCode } from '../codes.js'
import { rateWindowMs } from '../figures.js'

export async function record (db: SqlClient, run: RunRef, outcomes: MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return
  const columns = outcomeColumns(outcomes)
  // Only rows still `sending` move, and only moved rows are counted: recording twice, or after the
  // lease ran out, changes nothing. The run's status is not looked at: sends in flight when a run
  // was paused or cancelled are recorded all the same. Lock order: messages, then the run (runs.ts).
  await db.query(
    `WITH outcome AS (
       SELECT * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::boolean[], $11::boolean[])
         AS o(id, status, wamid, error_code, error_title, not_before, pair_rate, unsent)
     ), locked AS (
       SELECT id FROM campaign_messages
        WHERE id = ANY($3::bigint[]) AND tenant = $1 AND run_id = $2 AND status = 'sending'
        ORDER BY id
        FOR UPDATE
     ), moved AS (
       UPDATE campaign_messages m
          SET status = o.status, wamid = o.wamid,
              error_code = CASE WHEN o.unsent THEN m.error_code ELSE o.error_code END,
              error_title = CASE WHEN o.unsent THEN m.error_title ELSE o.error_title END,
              next_attempt_at = COALESCE(o.not_before, m.next_attempt_at), lease_until = NULL, updated_at = now(),
              attempts = m.attempts - o.unsent::int,
              pair_rate_retries = m.pair_rate_retries + o.pair_rate::int
         FROM locked, outcome o
        WHERE m.id = locked.id AND o.id = m.id AND m.status = 'sending'
       RETURNING m.status
     ), counted AS (
       SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM moved
     )
     -- The newer rate sample takes the older's place once it is a window old (figures.ts). SET
     -- expressions all see the row as it was, so both samples move together.
     UPDATE campaign_runs r
        SET success_count = r.success_count + d.sent,
            failed_count = r.failed_count + d.failed,
            rate_older_at = CASE WHEN r.rate_newer_at <= w.cutoff THEN r.rate_newer_at ELSE r.rate_older_at END,
            rate_older_settled = CASE WHEN r.rate_newer_at <= w.cutoff THEN r.rate_newer_settled ELSE r.rate_older_settled END,
            rate_newer_at = CASE WHEN r.rate_newer_at <= w.cutoff THEN now() ELSE r.rate_newer_at END,
            rate_newer_settled = CASE WHEN r.rate_newer_at <= w.cutoff
                                      THEN r.success_count + r.failed_count + d.sent + d.failed
                                      ELSE r.rate_newer_settled END
       FROM counted d, (SELECT now() - $10::float8 * interval '1 millisecond' AS cutoff) w
      WHERE r.tenant = $1 AND r.id = $2`,
    [run.tenant, run.runId, columns.ids, columns.statuses, columns.wamids, columns.codes, columns.titles, columns.notBefore, columns.pairRate, rateWindowMs, columns.unsent]
  )
}

/** Outcomes as parallel arrays for unnest; a retry or an unsent message is a row going back to `pending`. */
function outcomeColumns (outcomes: MessageOutcome[]) {
  const n = outcomes.length
  const columns = {
    ids: new Array<number>(n),
    statuses: new Array<string>(n),
    wamids: new Array<string | null>(n).fill(null),
    codes: new Array<string | null>(n).fill(null),
    titles: new Array<string | null>(n).fill(null),
    notBefore: new Array<string | null>(n).fill(null),
    pairRate: new Array<boolean>(n).fill(false),
    unsent: new Array<boolean>(n).fill(false)
  }
  outcomes.forEach((outcome, i) => {
    columns.ids[i] = outcome.id
    if (outcome.status === 'sent') {
      columns.statuses[i] = 'sent'
      columns.wamids[i] = outcome.messageId
      return
    }
    if (outcome.status === 'unsent') {
      // Due at once: the row's next_attempt_at passed already, or it would not have been claimed.
      columns.statuses[i] = 'pending'
      columns.unsent[i] = true
      return
    }
    columns.statuses[i] = outcome.status === 'retry' ? 'pending' : 'failed'
    columns.codes[i] = encodeCode(outcome.code)
    columns.titles[i] = outcome.title
    if (outcome.status === 'retry') {
      columns.notBefore[i] = outcome.notBefore.toISOString()
      columns.pairRate[i] = outcome.pairRate === true
    }
  })
  return columns
}
