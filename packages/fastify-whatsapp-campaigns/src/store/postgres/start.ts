/** Starting a run: the guard, the run row and one message row per recipient. */
import type { CampaignStatus } from '../../schemas/campaign.js'
import type { Guarded, RunPlan, RunRecipients, Tenant } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { guarded, refusal } from './guard.js'
import { runPlanColumns, toRunPlan, type RunPlanRow } from './rows.js'
import { optedOut } from '../codes.js'

/**
 * Whom a run sends to, as SQL over the campaign `c` (its count) and the statement's parameters $1
 * (tenant) and $2 (campaign id) for its rows (position, phone, name, parameters). Fixed text: nothing
 * of the caller's reaches it.
 */
const recipientSources: Record<RunRecipients, { count: string, rows: string }> = {
  all: {
    // Kept with the list: no count over 100k rows.
    count: 'SELECT c.contact_count',
    rows: `SELECT position, phone, name, parameters
             FROM campaign_contacts WHERE tenant = $1 AND campaign_id = $2`
  },
  // The latest run's failed recipients in their order, numbered anew. latest_run_id still names that
  // run here: it moves to the new one after this statement.
  failed: {
    count: `SELECT count(*)::int FROM campaign_messages
             WHERE tenant = c.tenant AND run_id = c.latest_run_id AND status = 'failed'`,
    rows: `SELECT row_number() OVER (ORDER BY m.position)::int, m.phone, m.name, m.parameters
             FROM campaigns p JOIN campaign_messages m ON m.tenant = p.tenant AND m.run_id = p.latest_run_id
            WHERE p.tenant = $1 AND p.id = $2 AND m.status = 'failed'`
  }
}

export async function startRun (
  db: SqlClient, tenant: Tenant, id: number, allowed: readonly CampaignStatus[], recipients: RunRecipients = 'all', sender?: string
): Promise<Guarded<RunPlan>> {
  const source = recipientSources[recipients]
  if (source === undefined) throw new RangeError(`startRun: recipients must be 'all' or 'failed', got ${String(recipients)}`)
  let started: Guarded<RunPlan>
  try {
    started = await guarded(db, tenant, id, async tx => {
      // The guard: concurrent callers queue on the row lock and re-check the status once the
      // winner commits, so only one of them finds the campaign in an allowed status.
      const { rows: [guard] } = await tx.query(
        `UPDATE campaigns SET status = 'running', updated_at = now()
          WHERE tenant = $1 AND id = $2 AND status = ANY($3::text[])
          RETURNING id`,
        [tenant, id, [...allowed]]
      )
      if (guard === undefined) return null
      // A recipient on the tenant's opt-out list gets its row all the same, `skipped`: a join with the
      // tenant's opt-outs (by their primary key, or one hash of them). Its count goes with the run's row, which is written first (the
      // messages need its id): it is counted apart, and only when the tenant has an opt-out at all.
      const { rows: [run] } = await tx.query<RunPlanRow>(
        `WITH run AS (
           INSERT INTO campaign_runs (tenant, campaign_id, recipients, template_name, language, parameters, total_count, sender, skipped_count)
           SELECT c.tenant, c.id, $3, c.template_name, c.language, c.parameters, n.count, $4::text,
                  CASE WHEN EXISTS (SELECT 1 FROM campaign_opt_outs WHERE tenant = $1)
                       THEN (SELECT count(*) FROM (${source.rows}) AS s(position, phone, name, parameters)
                              WHERE EXISTS (SELECT 1 FROM campaign_opt_outs o WHERE o.tenant = $1 AND o.phone = s.phone))
                       ELSE 0 END
             FROM campaigns c CROSS JOIN LATERAL (${source.count}) AS n(count)
            WHERE c.tenant = $1 AND c.id = $2 AND n.count > 0
           RETURNING ${runPlanColumns}
         ), messages AS (
           -- Due at once ('-infinity'), not at now(): a database clock ahead of the servers' must
           -- not hold a start back (claims compare with the application's clock).
           INSERT INTO campaign_messages (tenant, run_id, position, phone, name, parameters, next_attempt_at, status, error_code, error_title)
           SELECT run.tenant, run.id, s.position, s.phone, s.name, s.parameters, '-infinity',
                  CASE WHEN o.phone IS NULL THEN 'pending' ELSE 'skipped' END,
                  CASE WHEN o.phone IS NOT NULL THEN $5::text END, CASE WHEN o.phone IS NOT NULL THEN $6::text END
             FROM run CROSS JOIN LATERAL (${source.rows}) AS s(position, phone, name, parameters)
             -- At most one match: the opt-outs' primary key.
             LEFT JOIN campaign_opt_outs o ON o.tenant = $1 AND o.phone = s.phone
         )
         SELECT * FROM run`,
        [tenant, id, recipients, sender ?? null, optedOut.code, optedOut.title]
      )
      // Nobody to send to: the guard's change is rolled back with the rest.
      if (run === undefined) return { ok: false, reason: 'empty' }
      await tx.query('UPDATE campaigns SET latest_run_id = $3 WHERE tenant = $1 AND id = $2', [tenant, id, run.id])
      return { ok: true, value: toRunPlan(run) }
    })
  } catch (err) {
    // Only reachable when the caller allows a status with a run under way: the index still keeps
    // one run at a time, and the campaign's status says which.
    if (isUniqueViolation(err, 'campaign_runs_one_active')) return refusal(db, tenant, id)
    throw err
  }
  if (started.ok && started.value.totalCount >= analyzeFrom) {
    // The claims' plan needs to know the new rows are there. Right after a bulk insert the statistics
    // do not (autovacuum comes a minute later, if it is on at all), and the planner, counting on a
    // handful of pending rows, sorts every one of them for each claim. Only the columns the claims
    // filter and order on (the status keeps no statistics: see the schema), leaving the wide phone,
    // name and parameters out, and from a small sample (statistics target 10, for this statement
    // only): the claims need the table's size and the new run's share of it, which a small sample
    // tells as well. A role that does not own the table gets a warning, not an error.
    await db.transaction(async tx => {
      await tx.query('SET LOCAL default_statistics_target = 10')
      await tx.query('ANALYZE campaign_messages (tenant, run_id, position, next_attempt_at)')
    })
  }
  return started
}

/** Runs of at least this many recipients refresh the statistics of the messages table. */
const analyzeFrom = 10_000

function isUniqueViolation (err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown, constraint?: unknown } | null
  return e?.code === '23505' && e.constraint === constraint
}
