/** Recording what became of claimed messages: the rows, the run's counters and its rate sample in one statement. */
import type { MessageOutcome, RunRef } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { encodeCode } from '../codes.js'
import { rateWindowMs } from '../rate-samples.js'
import { applyKept } from './deliveries.js'

export async function record (db: SqlClient, run: RunRef, outcomes: MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return
  const sentWamids = outcomes.flatMap(outcome => outcome.status === 'sent' ? [outcome.messageId] : [])
  // Only rows still `sending` move, and only moved rows are counted: recording twice, or after the
  // lease ran out, changes nothing. The run's status is not looked at: sends in flight when a run
  // was paused or cancelled are recorded all the same. Lock order: messages, then the run (runs.ts).
  //
  // Each row finds its outcome by its key (its position) in one jsonb object rather than by a join
  // with the outcomes: the statistics of a run's start say next to nothing is in flight, and on that
  // belief the planner may loop over every outcome for each row it updates.
  //
  // The rows are found by key alone, and whether each is still `sending` is read from the locked row:
  // a condition on the status would offer the planner the in-flight rows' index, which the same
  // statistics show as empty while it holds an entry for every row once claimed (until a vacuum), so
  // a record would read all of them, more with every row sent.
  //
  // A sent row keeps its lease (the claim's time, by which a doubt finds its neighbours) and takes the
  // record's clock as sent_at until Meta's comes. Statuses kept for the new wamids are looked for by
  // one probe of their key each; the early table is nearly always empty, so applying what is found
  // takes a transaction of its own, only then. A row an ingest marked witnessed while it was in
  // flight (its status is kept where this statement's snapshot cannot see it) is looked for too.
  const { rows: [found] } = await db.query<{ kept: number }>(
    `WITH locked AS (
       SELECT position, status, $4::jsonb -> position::text AS o FROM campaign_messages
        WHERE run_id = $2 AND position = ANY($3::int[]) AND tenant = $1
        ORDER BY position
        FOR UPDATE
     ), moved AS (
       UPDATE campaign_messages m
          SET status = l.o ->> 0, wamid = l.o ->> 1,
              error_code = CASE WHEN (l.o ->> 6)::boolean AND l.o ->> 2 IS NULL THEN m.error_code ELSE l.o ->> 2 END,
              error_title = CASE WHEN (l.o ->> 6)::boolean AND l.o ->> 2 IS NULL THEN m.error_title ELSE l.o ->> 3 END,
              next_attempt_at = COALESCE((l.o ->> 4)::timestamptz, m.next_attempt_at),
              lease_until = CASE WHEN l.o ->> 0 IN ('sent', 'doubt') THEN m.lease_until END,
              sent_at = CASE WHEN l.o ->> 0 = 'sent' THEN now() ELSE m.sent_at END, updated_at = now(),
              attempts = m.attempts - (l.o ->> 6)::boolean::int,
              pair_rate_retries = m.pair_rate_retries + (l.o ->> 5)::boolean::int
         FROM locked l
        WHERE m.run_id = $2 AND m.position = l.position AND l.status = 'sending'
       RETURNING m.status, m.phone, m.witnessed_at, (l.o ->> 7)::boolean AS opt_out
     ), opted AS (
       INSERT INTO campaign_opt_outs (tenant, phone, source)
       SELECT $1, phone, 'error' FROM moved WHERE opt_out ORDER BY phone
       ON CONFLICT (tenant, phone) DO NOTHING
     ), counted AS (
       SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM moved
     )
     -- The newer rate sample takes the older's place once it is a window old (rate-samples.ts). SET
     -- expressions all see the row as it was, so both samples move together.
     , run AS (
     UPDATE campaign_runs r
        SET success_count = r.success_count + d.sent,
            failed_count = r.failed_count + d.failed,
            rate_older_at = CASE WHEN r.rate_newer_at <= w.cutoff THEN r.rate_newer_at ELSE r.rate_older_at END,
            rate_older_settled = CASE WHEN r.rate_newer_at <= w.cutoff THEN r.rate_newer_settled ELSE r.rate_older_settled END,
            rate_newer_at = CASE WHEN r.rate_newer_at <= w.cutoff THEN now() ELSE r.rate_newer_at END,
            rate_newer_settled = CASE WHEN r.rate_newer_at <= w.cutoff
                                      THEN r.success_count + r.failed_count + d.sent + d.failed
                                      ELSE r.rate_newer_settled END
       FROM counted d, (SELECT now() - $5::float8 * interval '1 millisecond' AS cutoff) w
      WHERE r.tenant = $1 AND r.id = $2
     )
     SELECT (SELECT count(*) FROM campaign_early_statuses WHERE wamid = ANY ($6::text[]))::int
          + (SELECT count(*) FROM moved WHERE status = 'sent' AND witnessed_at IS NOT NULL)::int AS kept`,
    [run.tenant, run.runId, outcomes.map(outcome => outcome.id), JSON.stringify(outcomesById(outcomes)), rateWindowMs, sentWamids]
  )
  if (Number(found.kept) > 0) await applyKept(db, sentWamids)
}

/**
 * What each row becomes: [status, wamid, error code, error title, not before, pair rate, unsent, opt-out], by
 * id. A retry or an unsent message is a row going back to `pending`.
 */
function outcomesById (outcomes: MessageOutcome[]): Record<number, OutcomeRow> {
  const byId: Record<number, OutcomeRow> = {}
  // The first outcome of a message counts, as if recorded one after the other.
  for (const outcome of outcomes) byId[outcome.id] ??= outcomeRow(outcome)
  return byId
}

type OutcomeRow = [status: string, wamid: string | null, code: string | null, title: string | null, notBefore: string | null, pairRate: boolean, unsent: boolean, optOut: boolean]

function outcomeRow (outcome: MessageOutcome): OutcomeRow {
  switch (outcome.status) {
    case 'sent':
      return ['sent', outcome.messageId, null, null, null, false, false, false]
    case 'unsent':
      // Due at once: the row's next_attempt_at passed already, or it would not have been claimed.
      return ['pending', null, outcome.error === undefined ? null : encodeCode(outcome.error.code), outcome.error?.title ?? null, null, false, true, false]
    case 'retry':
      return ['pending', null, encodeCode(outcome.code), outcome.title, outcome.notBefore.toISOString(), outcome.pairRate === true, false, false]
    case 'failed':
      return ['failed', null, encodeCode(outcome.code), outcome.title, null, false, false, outcome.optOut === true]
    case 'doubt':
      return ['doubt', null, encodeCode(outcome.code), outcome.title, null, false, false, false]
  }
}
