/**
 * The run side of the PostgreSQL store: what the engine does. Every write that moves messages also
 * moves the run's counters in the same statement, so counters never drift from the rows.
 *
 * Lock order, so that no two writers can deadlock: message rows first, in id order (`ORDER BY id
 * FOR UPDATE` before updating them), then the run, then the campaign. Claims skip locked rows and
 * never wait.
 */
import type { CampaignStatus, RunError } from '../../schemas/campaign.js'
import type { ClaimedMessage, Guarded, MessageOutcome, RunPlan, RunProgress, RunRef, Tenant } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { encodeCode, notSent, unknownOutcome } from '../codes.js'
import { refusal } from './campaigns.js'
import { toClaimed, toDate, toRunPlan, type ClaimedRow, type RunPlanRow } from './rows.js'

const runPlanColumns = 'tenant, campaign_id, id, template_name, language, parameters, total_count'

export async function startRun (db: SqlClient, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<RunPlan>> {
  let plan: RunPlan | null
  try {
    plan = await db.transaction(async tx => {
      // The guard: concurrent callers queue on the row lock and re-check the status once the
      // winner commits, so only one of them finds the campaign in an allowed status.
      const { rows: [guarded] } = await tx.query(
        `UPDATE campaigns SET status = 'running', updated_at = now()
          WHERE tenant = $1 AND id = $2 AND status = ANY($3::text[])
          RETURNING id`,
        [tenant, id, [...allowed]]
      )
      if (guarded === undefined) return null
      const { rows: [run] } = await tx.query<RunPlanRow>(
        `WITH run AS (
           INSERT INTO campaign_runs (tenant, campaign_id, template_name, language, parameters, total_count)
           SELECT tenant, id, template_name, language, parameters, contact_count
             FROM campaigns WHERE tenant = $1 AND id = $2
           RETURNING ${runPlanColumns}
         ), messages AS (
           -- Due at once ('-infinity'), not at now(): a database clock ahead of the servers' must
           -- not hold a start back (claims compare with the application's clock).
           INSERT INTO campaign_messages (tenant, run_id, position, phone, name, parameters, next_attempt_at)
           SELECT c.tenant, run.id, c.position, c.phone, c.name, c.parameters, '-infinity'
             FROM run JOIN campaign_contacts c ON c.tenant = run.tenant AND c.campaign_id = run.campaign_id
         )
         SELECT * FROM run`,
        [tenant, id]
      )
      await tx.query('UPDATE campaigns SET latest_run_id = $3 WHERE tenant = $1 AND id = $2', [tenant, id, run.id])
      return toRunPlan(run)
    })
  } catch (err) {
    // Only reachable when the caller allows 'running': the index still keeps one run at a time.
    if (isUniqueViolation(err, 'campaign_runs_one_running')) return { ok: false, reason: 'status', status: 'running' }
    throw err
  }
  return plan === null ? refusal(db, tenant, id) : { ok: true, value: plan }
}

export async function activeRuns (db: SqlClient): Promise<RunPlan[]> {
  const { rows } = await db.query<RunPlanRow>(`SELECT ${runPlanColumns} FROM campaign_runs WHERE status = 'running' ORDER BY id`)
  return rows.map(toRunPlan)
}

export async function claim (db: SqlClient, run: RunRef, limit: number, leaseUntil: Date): Promise<ClaimedMessage[]> {
  if (!(limit > 0)) return []
  // Due-ness is judged on the application's clock, like notBefore, leaseUntil and progress(now).
  const { rows } = await db.query<ClaimedRow>(
    `WITH picked AS (
       SELECT id FROM campaign_messages
        WHERE tenant = $1 AND run_id = $2 AND status = 'pending' AND next_attempt_at <= $4
        ORDER BY position
        LIMIT $3
        FOR UPDATE SKIP LOCKED
     )
     UPDATE campaign_messages m
        SET status = 'sending', lease_until = $5, attempts = m.attempts + 1, updated_at = now()
       FROM picked
      WHERE m.id = picked.id
     RETURNING m.id, m.position, m.phone, m.name, m.parameters, m.attempts`,
    [run.tenant, run.runId, limit, new Date().toISOString(), leaseUntil.toISOString()]
  )
  // RETURNING follows no order.
  return rows.sort((a, b) => a.position - b.position).map(toClaimed)
}

export async function record (db: SqlClient, run: RunRef, outcomes: MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return
  const columns = outcomeColumns(outcomes)
  // Only rows still `sending` move, and only moved rows are counted: recording twice, or after the
  // lease ran out, changes nothing.
  await db.query(
    `WITH outcome AS (
       SELECT * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
         AS o(id, status, wamid, error_code, error_title, not_before)
     ), locked AS (
       SELECT id FROM campaign_messages
        WHERE id = ANY($3::bigint[]) AND tenant = $1 AND run_id = $2 AND status = 'sending'
        ORDER BY id
        FOR UPDATE
     ), moved AS (
       UPDATE campaign_messages m
          SET status = o.status, wamid = o.wamid, error_code = o.error_code, error_title = o.error_title,
              next_attempt_at = COALESCE(o.not_before, m.next_attempt_at), lease_until = NULL, updated_at = now()
         FROM locked, outcome o
        WHERE m.id = locked.id AND o.id = m.id AND m.status = 'sending'
       RETURNING m.status
     )
     UPDATE campaign_runs r
        SET success_count = r.success_count + (SELECT count(*) FROM moved WHERE status = 'sent'),
            failed_count = r.failed_count + (SELECT count(*) FROM moved WHERE status = 'failed')
      WHERE r.tenant = $1 AND r.id = $2`,
    [run.tenant, run.runId, columns.ids, columns.statuses, columns.wamids, columns.codes, columns.titles, columns.notBefore]
  )
}

/** Outcomes as parallel arrays for unnest; a retry is a row going back to `pending`. */
function outcomeColumns (outcomes: MessageOutcome[]) {
  const n = outcomes.length
  const columns = {
    ids: new Array<number>(n),
    statuses: new Array<string>(n),
    wamids: new Array<string | null>(n).fill(null),
    codes: new Array<string | null>(n).fill(null),
    titles: new Array<string | null>(n).fill(null),
    notBefore: new Array<string | null>(n).fill(null)
  }
  outcomes.forEach((outcome, i) => {
    columns.ids[i] = outcome.id
    if (outcome.status === 'sent') {
      columns.statuses[i] = 'sent'
      columns.wamids[i] = outcome.messageId
      return
    }
    columns.statuses[i] = outcome.status === 'retry' ? 'pending' : 'failed'
    columns.codes[i] = encodeCode(outcome.code)
    columns.titles[i] = outcome.title
    if (outcome.status === 'retry') columns.notBefore[i] = outcome.notBefore.toISOString()
  })
  return columns
}

export async function failExpiredLeases (db: SqlClient, run: RunRef, now: Date): Promise<number> {
  const { rows: [row] } = await db.query<{ count: number }>(
    `WITH locked AS (
       SELECT id FROM campaign_messages
        WHERE tenant = $1 AND run_id = $2 AND status = 'sending' AND lease_until < $3
        ORDER BY id
        FOR UPDATE
     ), expired AS (
       UPDATE campaign_messages m
          SET status = 'failed', error_code = $4, error_title = $5, lease_until = NULL, updated_at = now()
         FROM locked
        WHERE m.id = locked.id AND m.status = 'sending'
       RETURNING 1
     ), counted AS (
       UPDATE campaign_runs SET failed_count = failed_count + (SELECT count(*) FROM expired)
        WHERE tenant = $1 AND id = $2
     )
     SELECT count(*)::int AS count FROM expired`,
    [run.tenant, run.runId, now.toISOString(), unknownOutcome.code, unknownOutcome.title]
  )
  return Number(row.count)
}

export async function progress (db: SqlClient, run: RunRef, now: Date): Promise<RunProgress> {
  // Scoped through the run (whose tenant the messages share by foreign key) so that the counts can
  // come from the claim index alone.
  const { rows: [row] } = await db.query<{ pending: number, due: number, sending: number, next_due_at: Date | string | null }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'pending' AND next_attempt_at <= $3)::int AS due,
            count(*) FILTER (WHERE status = 'sending')::int AS sending,
            min(next_attempt_at) FILTER (WHERE status = 'pending' AND next_attempt_at > $3) AS next_due_at
       FROM campaign_messages
      WHERE run_id = (SELECT id FROM campaign_runs WHERE tenant = $1 AND id = $2)
        AND status IN ('pending', 'sending')`,
    [run.tenant, run.runId, now.toISOString()]
  )
  return { pending: Number(row.pending), due: Number(row.due), sending: Number(row.sending), nextDueAt: toDate(row.next_due_at) }
}

export async function finishRun (db: SqlClient, run: RunRef, outcome: { status: 'completed' } | { status: 'failed', error: RunError }): Promise<void> {
  const error = outcome.status === 'failed' ? outcome.error : null
  // What is left pending was never sent (the run's reason); what is left sending may have been.
  const leftover = error === null ? notSent : { code: error.code, title: error.title }
  await db.query(
    `WITH locked AS (
       SELECT id FROM campaign_messages
        WHERE tenant = $1 AND run_id = $2 AND status IN ('pending', 'sending')
          AND EXISTS (SELECT 1 FROM campaign_runs WHERE tenant = $1 AND id = $2 AND status = 'running')
        ORDER BY id
        FOR UPDATE
     ), ended AS (
       UPDATE campaign_messages m
          SET status = 'failed',
              error_code = CASE WHEN m.status = 'sending' THEN $4 ELSE $6 END,
              error_title = CASE WHEN m.status = 'sending' THEN $5 ELSE $7 END,
              lease_until = NULL, updated_at = now()
         FROM locked
        WHERE m.id = locked.id AND m.status IN ('pending', 'sending')
       RETURNING 1
     ), finished AS (
       UPDATE campaign_runs
          SET status = $3, failed_count = failed_count + (SELECT count(*) FROM ended),
              error_code = $8, error_title = $9, error_message = $10, finished_at = now()
        WHERE tenant = $1 AND id = $2 AND status = 'running'
       RETURNING id, campaign_id, status
     )
     UPDATE campaigns c SET status = finished.status, updated_at = now()
       FROM finished
      WHERE c.tenant = $1 AND c.id = finished.campaign_id AND c.latest_run_id = finished.id`,
    [
      run.tenant, run.runId, outcome.status,
      unknownOutcome.code, unknownOutcome.title, encodeCode(leftover.code), leftover.title,
      error === null ? null : encodeCode(error.code), error?.title ?? null, error?.message ?? null
    ]
  )
}

function isUniqueViolation (err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown, constraint?: unknown } | null
  return e?.code === '23505' && e.constraint === constraint
}
