/**
 * The run side of the PostgreSQL store: what the engine does. Every write that moves messages also
 * moves the run's counters in the same statement, so counters never drift from the rows.
 *
 * Lock order, so that no two writers can deadlock: message rows first, in (run, position) order
 * (`ORDER BY position FOR UPDATE` before updating a run's rows), then the run, then the campaign.
 * Claims skip locked rows and never wait. Every writer keeps to it: record, failExpiredLeases and
 * failStaleLeases (messages, run; the reaper one run at a time), finishRun and cancel (messages, run,
 * campaign), pause and resume (run, campaign), delete (messages, runs, campaign). startRun locks its
 * campaign first, but then only creates rows nobody else can hold, as long as its `allowed` leaves out
 * running and paused (the rules do): else its insert could wait on the one-active-run index for a run
 * another writer holds while that writer waits for the campaign.
 */
import type { RunError } from '../../schemas/campaign.js'
import type { ClaimedMessage, LeaseExpiry, RunCounters, RunPlan, RunProgress, RunRef, RunStatus, Tenant } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { encodeCode, inDoubt, notSent, optedOut, staleLeasesPerCall, unknownOutcome } from '../codes.js'
import { runPlanColumns, toClaimed, toDate, toRunPlan, type ClaimedRow, type RunPlanRow } from './rows.js'

export async function activeRuns (db: SqlClient): Promise<RunPlan[]> {
  // Every tenant's: the engine serves them all. Paused runs wait for a resume, which hands its own plan.
  const { rows } = await db.query<RunPlanRow>(`SELECT ${runPlanColumns} FROM campaign_runs WHERE status = 'running' ORDER BY id`)
  return rows.map(toRunPlan)
}

export async function runningFrom (db: SqlClient, senders: readonly string[]): Promise<RunPlan[]> {
  if (senders.length === 0) return []
  // Every tenant's, like activeRuns: the number is the app's, whichever tenant sends from it.
  const { rows } = await db.query<RunPlanRow>(`SELECT ${runPlanColumns} FROM campaign_runs WHERE status = 'running' AND sender = ANY($1::text[]) ORDER BY id`, [[...senders]])
  return rows.map(toRunPlan)
}

export async function dueScheduled (db: SqlClient, now: Date, limit: number): Promise<Array<{ tenant: Tenant, id: number }>> {
  if (!(limit > 0)) return []
  // Every tenant's, like activeRuns; the partial index holds only scheduled campaigns.
  const { rows } = await db.query<{ tenant: string, id: number }>(
    `SELECT tenant, id FROM campaigns
      WHERE status = 'scheduled' AND scheduled_at <= $1
      ORDER BY scheduled_at, id
      LIMIT $2`,
    [now.toISOString(), limit]
  )
  return rows.map(row => ({ tenant: row.tenant, id: Number(row.id) }))
}

export async function claim (db: SqlClient, run: RunRef, limit: number, leaseUntil: Date): Promise<ClaimedMessage[]> {
  if (!(limit > 0)) return []
  // Due-ness is judged on the application's clock, like notBefore, leaseUntil and progress(now). A
  // run paused or cancelled gives nothing more; a claim that began before the pause committed is a
  // send in flight, recorded like the others.
  //
  // The rows picked are then updated by key (`= ANY (ARRAY(…))`), like those locked by the lease,
  // finish and cancel statements: joined with the picked rows instead, the update is planned as a
  // hash join over a scan of the whole table, history included, at every claim. (record() is handed
  // its keys, which the planner counts.)
  //
  // A picked row whose phone went on the opt-out list since the run started is skipped instead, by
  // key too, and counted in the run (messages, then the run: the lock order). Its phone is looked up
  // once, in the opt-outs' primary key, and the answer kept with the picked rows.
  const { rows } = await db.query<ClaimedRow>(
    `WITH picked AS (
       SELECT position, phone FROM campaign_messages
        WHERE tenant = $1 AND run_id = $2 AND status = 'pending' AND next_attempt_at <= $4
          AND EXISTS (SELECT 1 FROM campaign_runs WHERE tenant = $1 AND id = $2 AND status = 'running')
        ORDER BY position
        LIMIT $3
        FOR UPDATE SKIP LOCKED
     ), looked_up AS (
       -- A lateral probe, not EXISTS: offered EXISTS, the planner may hash the tenant's whole list at every claim.
       SELECT picked.position, o.opted_out IS NOT NULL AS opted_out
         FROM picked LEFT JOIN LATERAL (
           SELECT true AS opted_out FROM campaign_opt_outs o WHERE o.tenant = $1 AND o.phone = picked.phone LIMIT 1
         ) o ON true
     ), skipped AS (
       UPDATE campaign_messages m
          SET status = 'skipped', error_code = $6, error_title = $7, updated_at = now()
        WHERE m.run_id = $2 AND m.position = ANY (ARRAY(SELECT position FROM looked_up WHERE opted_out))
       RETURNING 1
     ), counted AS (
       UPDATE campaign_runs SET skipped_count = skipped_count + (SELECT count(*) FROM skipped)
        WHERE tenant = $1 AND id = $2 AND EXISTS (SELECT 1 FROM skipped)
     ), claimed AS (
       UPDATE campaign_messages m
          SET status = 'sending', lease_until = $5, attempts = m.attempts + 1, updated_at = now()
        WHERE m.run_id = $2 AND m.position = ANY (ARRAY(SELECT position FROM looked_up WHERE NOT opted_out))
       RETURNING m.position, m.phone, m.name, m.parameters, m.attempts, m.pair_rate_retries
     ), marked AS (
       -- The claim's mark, at 0 until markIssued raises it (sql/004).
       INSERT INTO campaign_claim_marks (tenant, run_id, lease_until)
       SELECT $1, $2, $5 WHERE EXISTS (SELECT 1 FROM claimed)
       ON CONFLICT (run_id, lease_until) DO NOTHING
     ), swept AS (
       -- Marks whose rows all left sending (recorded, or settled by their lease's end) say nothing any more.
       DELETE FROM campaign_claim_marks k
        WHERE k.run_id = $2 AND k.lease_until <> $5
          AND NOT EXISTS (SELECT 1 FROM campaign_messages s WHERE s.status = 'sending' AND s.lease_until = k.lease_until AND s.run_id = k.run_id)
     )
     SELECT * FROM claimed`,
    [run.tenant, run.runId, limit, new Date().toISOString(), leaseUntil.toISOString(), optedOut.code, optedOut.title]
  )
  // RETURNING follows no order.
  return rows.sort((a, b) => a.position - b.position).map(toClaimed)
}

export async function failExpiredLeases (db: SqlClient, run: RunRef, now: Date, expiry: LeaseExpiry = 'fail'): Promise<number> {
  return failLeases(db, run, now, { notIn: [], limit: null }, expiry)
}

/**
 * The reaper: leases that ran out in runs no longer running (their workers died, and nobody else works on
 * them), every tenant's. Finds the runs holding some, then settles each with the same statement as
 * failExpiredLeases, one run at a time (its messages, then the run: the lock order), `limit` rows at most
 * in all. The scan is on the partial index of `sending` rows by lease : in-flight rows only.
 */
export async function failStaleLeases (db: SqlClient, now: Date, limit = staleLeasesPerCall, expiry: LeaseExpiry = 'fail'): Promise<number> {
  if (!(limit > 0)) return 0
  // Each row that ever was in flight left an entry in that index, which stays until a vacuum (with
  // autovacuum on, once a fifth of the table was written; never, with it off). An index scan marks
  // each such entry as dead the first time it meets it and steps over it after that; a bitmap scan
  // reads every one again at every call, which at the end of a large run is most of the index. The
  // planner picks the bitmap whenever it believes few rows are in flight, so it is not offered one.
  const runs = await db.transaction(async tx => {
    await tx.query('SET LOCAL enable_bitmapscan = off')
    const { rows } = await tx.query<{ tenant: string, run_id: number }>(
      `SELECT DISTINCT tenant, run_id FROM (
         SELECT m.tenant, m.run_id FROM campaign_messages m
          WHERE m.status = 'sending' AND m.lease_until < $1
            AND EXISTS (SELECT 1 FROM campaign_runs r WHERE r.tenant = m.tenant AND r.id = m.run_id AND r.status <> 'running')
          ORDER BY m.lease_until
          LIMIT $2
       ) stale
       ORDER BY run_id`,
      [now.toISOString(), limit]
    )
    return rows
  })
  let failed = 0
  for (const row of runs) {
    if (failed >= limit) break
    // The status is checked again in the statement: a run resumed meanwhile is its workers' again.
    failed += await failLeases(db, { tenant: row.tenant, runId: Number(row.run_id) }, now, { notIn: ['running'], limit: limit - failed }, expiry)
  }
  return failed
}

/**
 * The one rule for a lease that ran out, for the run's `sending` rows whose lease ended before `now`,
 * only while the run's status is not in `notIn`, at most `limit` rows (null: all):
 * - a row past its claim's mark was never issued: it goes back to pending with its attempt given back
 *   (failed as NOT_SENT, counted, when its run has ended meanwhile);
 * - any other may have been sent: it fails with UNKNOWN_OUTCOME, counted in the run in the same
 *   statement; or, with `doubt`, waits in doubt (IN_DOUBT, not counted, the lease kept: resolveDoubts reads it).
 */
async function failLeases (
  db: SqlClient, run: Pick<RunRef, 'tenant' | 'runId'>, now: Date, only: { notIn: RunStatus[], limit: number | null }, expiry: LeaseExpiry
): Promise<number> {
  const doubt = expiry === 'doubt'
  const error = doubt ? inDoubt : unknownOutcome
  const { rows: [row] } = await db.query<{ count: number }>(
    `WITH locked AS (
       SELECT position, lease_until FROM campaign_messages
        WHERE tenant = $1 AND run_id = $2 AND status = 'sending' AND lease_until < $3
          AND EXISTS (SELECT 1 FROM campaign_runs WHERE tenant = $1 AND id = $2 AND status <> ALL ($6::text[]))
        ORDER BY position
        LIMIT $7
        FOR UPDATE
     ), judged AS (
       SELECT l.position, k.issued_through IS NOT NULL AND l.position > k.issued_through AS unissued
         FROM locked l LEFT JOIN campaign_claim_marks k ON k.run_id = $2 AND k.lease_until = l.lease_until
     ), run_active AS (
       SELECT status IN ('running', 'paused') AS active FROM campaign_runs WHERE tenant = $1 AND id = $2
     ), expired AS (
       UPDATE campaign_messages m
          SET status = CASE WHEN $8::boolean THEN 'doubt' ELSE 'failed' END, error_code = $4, error_title = $5,
              lease_until = CASE WHEN $8::boolean THEN m.lease_until END, updated_at = now()
        WHERE m.run_id = $2 AND m.position = ANY (ARRAY(SELECT position FROM judged WHERE NOT unissued)) AND m.status = 'sending' -- by key, as in claim()
       RETURNING 1
     ), returned AS (
       UPDATE campaign_messages m
          SET status = CASE WHEN (SELECT active FROM run_active) THEN 'pending' ELSE 'failed' END,
              error_code = CASE WHEN (SELECT active FROM run_active) THEN m.error_code ELSE $9 END,
              error_title = CASE WHEN (SELECT active FROM run_active) THEN m.error_title ELSE $10 END,
              attempts = greatest(m.attempts - 1, 0), lease_until = NULL, updated_at = now()
        WHERE m.run_id = $2 AND m.position = ANY (ARRAY(SELECT position FROM judged WHERE unissued)) AND m.status = 'sending'
       RETURNING m.status
     ), counted AS (
       UPDATE campaign_runs
          SET failed_count = failed_count + (SELECT count(*) FROM returned WHERE status = 'failed')
                                          + CASE WHEN $8::boolean THEN 0 ELSE (SELECT count(*) FROM expired) END
        WHERE tenant = $1 AND id = $2 AND (EXISTS (SELECT 1 FROM returned WHERE status = 'failed') OR (NOT $8::boolean AND EXISTS (SELECT 1 FROM expired)))
     )
     SELECT ((SELECT count(*) FROM expired) + (SELECT count(*) FROM returned))::int AS count`,
    [run.tenant, run.runId, now.toISOString(), error.code, error.title, only.notIn, only.limit, doubt, notSent.code, notSent.title]
  )
  return Number(row.count)
}

/**
 * Raises the mark of the claim whose lease ends at `leaseUntil` to `through`: the worker may write
 * the requests of that claim's rows up to that position (it sends them in position order).
 */
export async function markIssued (db: SqlClient, run: RunRef, leaseUntil: Date, through: number): Promise<void> {
  await db.query(
    `UPDATE campaign_claim_marks SET issued_through = greatest(issued_through, $4)
      WHERE tenant = $1 AND run_id = $2 AND lease_until = $3`,
    [run.tenant, run.runId, leaseUntil.toISOString(), through]
  )
}

export async function progress (db: SqlClient, run: RunRef, now: Date): Promise<RunProgress> {
  // Pending and in-flight rows each have their own partial index: written as an OR, the planner can
  // read the two (a BitmapOr) instead of the run. Messages share the run's tenant by foreign key.
  const { rows: [row] } = await db.query<{ status: RunStatus, pending: number, due: number, sending: number, doubt: number, next_due_at: Date | string | null }>(
    `SELECT r.status, n.*
       FROM campaign_runs r CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
                count(*) FILTER (WHERE status = 'pending' AND next_attempt_at <= $3)::int AS due,
                count(*) FILTER (WHERE status = 'sending')::int AS sending,
                count(*) FILTER (WHERE status = 'doubt')::int AS doubt,
                min(next_attempt_at) FILTER (WHERE status = 'pending' AND next_attempt_at > $3) AS next_due_at
           FROM campaign_messages
          WHERE run_id = r.id AND (status = 'pending' OR status = 'sending' OR status = 'doubt')
       ) n
      WHERE r.tenant = $1 AND r.id = $2`,
    [run.tenant, run.runId, now.toISOString()]
  )
  // A run that is gone (deleted with its campaign), or not this tenant's, is over for good.
  if (row === undefined) return { status: 'cancelled', pending: 0, due: 0, sending: 0, doubt: 0, nextDueAt: null }
  return { status: row.status, pending: Number(row.pending), due: Number(row.due), sending: Number(row.sending), doubt: Number(row.doubt), nextDueAt: toDate(row.next_due_at) }
}

export async function counters (db: SqlClient, run: RunRef): Promise<RunCounters | null> {
  const { rows: [row] } = await db.query<{ status: RunStatus, total_count: number, success_count: number, failed_count: number, skipped_count: number }>(
    'SELECT status, total_count, success_count, failed_count, skipped_count FROM campaign_runs WHERE tenant = $1 AND id = $2',
    [run.tenant, run.runId]
  )
  if (row === undefined) return null
  return {
    status: row.status,
    totalCount: Number(row.total_count),
    successCount: Number(row.success_count),
    failedCount: Number(row.failed_count),
    skippedCount: Number(row.skipped_count)
  }
}

export async function finishRun (db: SqlClient, run: RunRef, outcome: { status: 'completed' } | { status: 'failed', error: RunError }): Promise<boolean> {
  const error = outcome.status === 'failed' ? outcome.error : null
  // What is left pending was never sent (the run's reason); what is left sending may have been.
  const leftover = error === null ? notSent : { code: error.code, title: error.title }
  // In a transaction: a pause or cancel committed between this statement's snapshot and its lock on
  // the run leaves the run as it is, and the messages it already failed must not stay failed uncounted.
  return db.transaction(async tx => {
    const { rows: [done] } = await tx.query<{ finished: number, ended: number }>(
      `WITH locked AS (
         SELECT position FROM campaign_messages
          WHERE tenant = $1 AND run_id = $2 AND (status = 'pending' OR status = 'sending') -- see progress()
            AND EXISTS (SELECT 1 FROM campaign_runs WHERE tenant = $1 AND id = $2 AND status = 'running')
          ORDER BY position
          FOR UPDATE
       ), ended AS (
         UPDATE campaign_messages m
            SET status = 'failed',
                error_code = CASE WHEN m.status = 'sending' THEN $4 ELSE $6 END,
                error_title = CASE WHEN m.status = 'sending' THEN $5 ELSE $7 END,
                lease_until = NULL, updated_at = now()
          WHERE m.run_id = $2 AND m.position = ANY (ARRAY(SELECT position FROM locked)) AND m.status IN ('pending', 'sending') -- by key, as in claim()
         RETURNING 1
       ), finished AS (
         UPDATE campaign_runs
            SET status = $3, failed_count = failed_count + (SELECT count(*) FROM ended),
                error_code = $8, error_title = $9, error_message = $10, finished_at = now()
          WHERE tenant = $1 AND id = $2 AND status = 'running'
         RETURNING id, campaign_id, status
       ), campaign AS (
         -- Not read below, so it runs last: after the run, as the lock order wants.
         UPDATE campaigns c SET status = finished.status, updated_at = now()
           FROM finished
          WHERE c.tenant = $1 AND c.id = finished.campaign_id AND c.latest_run_id = finished.id
       )
       SELECT (SELECT count(*) FROM finished)::int AS finished, (SELECT count(*) FROM ended)::int AS ended`,
      [
        run.tenant, run.runId, outcome.status,
        unknownOutcome.code, unknownOutcome.title, encodeCode(leftover.code), leftover.title,
        error === null ? null : encodeCode(error.code), error?.title ?? null, error?.message ?? null
      ]
    )
    if (Number(done.finished) === 0 && Number(done.ended) > 0) throw new RunMovedMeanwhile()
    return Number(done.finished) > 0
  }).catch((err: unknown) => {
    if (err instanceof RunMovedMeanwhile) return false
    throw err
  })
}

/** The run was paused or cancelled between finishRun's snapshot and its lock: undo, and leave it be. */
class RunMovedMeanwhile extends Error {}
