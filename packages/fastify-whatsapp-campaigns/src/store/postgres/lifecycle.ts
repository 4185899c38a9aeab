/**
 * Pause, resume and cancel: guarded like edits, all or nothing (guard.ts), in the lock order of
 * runs.ts: messages, then the run, then the campaign.
 *
 * Each acts on the campaign's latest run while it is under way (running or paused); pause and
 * resume refuse a campaign without one, whatever the caller allowed, since there is nothing to
 * pause or resume. Cancel also takes a campaign without one (a scheduled campaign, say).
 */
import type { CampaignStatus, RunError } from '../../schemas/campaign.js'
import type { Guarded, RunPlan, RunRef, StoredCampaign, Tenant } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { cancelled, encodeCode } from '../codes.js'
import { readCampaign } from './campaigns.js'
import { guarded } from './guard.js'
import { runPlanColumns, toRunPlan, type RunPlanRow } from './rows.js'

/** The campaign's latest run if it is under way and the campaign is in an allowed status ($1 tenant, $2 id, $3 allowed). */
const activeRunOfAllowed = `
  SELECT lr.id FROM campaigns lc JOIN campaign_runs lr ON lr.tenant = lc.tenant AND lr.id = lc.latest_run_id
   WHERE lc.tenant = $1 AND lc.id = $2 AND lc.status = ANY($3::text[]) AND lr.status IN ('running', 'paused')`

export async function pause (db: SqlClient, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<StoredCampaign>> {
  return guarded(db, tenant, id, async tx => {
    const { rows: [row] } = await tx.query(pauseStatement(activeRunOfAllowed), [tenant, id, [...allowed], null, null, null])
    return row === undefined ? null : { ok: true, value: (await readCampaign(tx, tenant, id))! }
  })
}

/** The engine pausing its own run, only while it is running: the reason shows as the campaign's error until the resume. */
export async function pauseRun (db: SqlClient, run: RunRef, reason: RunError): Promise<boolean> {
  const runningRun = "SELECT id FROM campaign_runs WHERE tenant = $1 AND id = $7 AND campaign_id = $2 AND status = 'running'"
  const paused = await guarded(db, run.tenant, run.campaignId, async tx => {
    const { rows: [row] } = await tx.query(
      pauseStatement(runningRun),
      [run.tenant, run.campaignId, ['running'], encodeCode(reason.code), reason.title, reason.message, run.runId]
    )
    return row === undefined ? null : { ok: true, value: true }
  })
  return paused.ok
}

/**
 * The run chosen by `target` ($1 tenant, $2 campaign id) and its campaign (while in $3) become paused,
 * in the lock order. A reason ($4-$6) replaces the run's error; without one, a reason already there stays.
 */
function pauseStatement (target: string): string {
  return `WITH run AS (
     UPDATE campaign_runs r
        SET status = 'paused',
            error_code = CASE WHEN $4::text IS NULL THEN r.error_code ELSE $4 END,
            error_title = CASE WHEN $4::text IS NULL THEN r.error_title ELSE $5 END,
            error_message = CASE WHEN $4::text IS NULL THEN r.error_message ELSE $6 END
      WHERE r.tenant = $1 AND r.id = (${target}) AND r.status IN ('running', 'paused')
     RETURNING r.id
   )
   UPDATE campaigns c SET status = 'paused', updated_at = now()
     FROM run
    WHERE c.tenant = $1 AND c.id = $2 AND c.status = ANY($3::text[]) AND c.latest_run_id = run.id
   RETURNING c.id`
}

export async function resume (db: SqlClient, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<RunPlan>> {
  return guarded(db, tenant, id, async tx => {
    // The pause's reason goes, and the rate samples start again: a window spanning the pause would
    // show a rate the run does not have.
    const { rows: [row] } = await tx.query<RunPlanRow>(
      `WITH run AS (
         UPDATE campaign_runs r
            SET status = 'running', error_code = NULL, error_title = NULL, error_message = NULL,
                rate_older_at = now(), rate_older_settled = r.success_count + r.failed_count,
                rate_newer_at = now(), rate_newer_settled = r.success_count + r.failed_count
          WHERE r.tenant = $1 AND r.id = (${activeRunOfAllowed}) AND r.status IN ('running', 'paused')
         RETURNING ${runPlanColumns}
       ), campaign AS (
         UPDATE campaigns c SET status = 'running', updated_at = now()
           FROM run
          WHERE c.tenant = $1 AND c.id = $2 AND c.status = ANY($3::text[]) AND c.latest_run_id = run.id
         RETURNING c.id
       )
       SELECT run.* FROM run JOIN campaign ON true`,
      [tenant, id, [...allowed]]
    )
    return row === undefined ? null : { ok: true, value: toRunPlan(row) }
  })
}

export async function cancel (db: SqlClient, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<StoredCampaign>> {
  return guarded(db, tenant, id, async tx => {
    // The run and what it still had to send, with its counters, in one statement. Rows being sent
    // are left to their workers, who record them whatever the run's status.
    const { rows: [run] } = await tx.query<{ dropped: number, stopped: number }>(
      `WITH target AS (${activeRunOfAllowed}
       ), locked AS (
         SELECT position FROM campaign_messages
          WHERE tenant = $1 AND run_id = (SELECT id FROM target) AND status = 'pending'
          ORDER BY position
          FOR UPDATE
       ), dropped AS (
         UPDATE campaign_messages m
            SET status = 'failed', error_code = $4, error_title = $5, updated_at = now()
          WHERE m.run_id = (SELECT id FROM target) AND m.position = ANY (ARRAY(SELECT position FROM locked))
            AND m.status = 'pending' -- by key, as in claim() (runs.ts)
         RETURNING 1
       ), stopped AS (
         UPDATE campaign_runs r
            SET status = 'cancelled', failed_count = r.failed_count + (SELECT count(*) FROM dropped), finished_at = now()
          WHERE r.tenant = $1 AND r.id = (SELECT id FROM target) AND r.status IN ('running', 'paused')
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM stopped)::int AS stopped, (SELECT count(*) FROM dropped)::int AS dropped`,
      [tenant, id, [...allowed], cancelled.code, cancelled.title]
    )
    // Messages failed but the run had ended meanwhile: not counted, so not kept.
    if (Number(run.dropped) > 0 && Number(run.stopped) === 0) return null
    const { rows: [campaign] } = await tx.query(
      `UPDATE campaigns SET status = 'cancelled', updated_at = now()
        WHERE tenant = $1 AND id = $2 AND status = ANY($3::text[])
        RETURNING id`,
      [tenant, id, [...allowed]]
    )
    return campaign === undefined ? null : { ok: true, value: (await readCampaign(tx, tenant, id))! }
  })
}
