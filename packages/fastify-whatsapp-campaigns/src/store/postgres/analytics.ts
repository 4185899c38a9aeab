/** The figures of the PostgreSQL store read over many rows: a run's stats, a tenant's analytics. */
import type { StoredAnalytics, StoredRunStats, Tenant, StoredTimelineMinute } from '../types.js'
import type { SqlClient } from '../sql-client.js'
import { decodeCode } from '../codes.js'
import { campaignRunsSelect, toDate, toStoredCampaignRun, type CampaignRunRow } from './rows.js'

/** The campaign's latest run, or `query.run` when it is one of the campaign's; null when there is none. */
export async function stats (db: SqlClient, tenant: Tenant, id: number, query: { run?: number }): Promise<StoredRunStats | null> {
  // The run with its failures: the failed rows of a run are one range of the settled index. Ties in
  // the codes' byte order ("C"), as every adapter sorts them.
  const { rows: [row] } = await db.query<CampaignRunRow & { failures: Array<{ code: string, title: string | null, count: number }> }>(
    `SELECT run.*, f.failures
       FROM (${campaignRunsSelect}
               AND r.id = COALESCE($3::int, (SELECT c.latest_run_id FROM campaigns c WHERE c.tenant = $1 AND c.id = $2))) run
      CROSS JOIN LATERAL (
        SELECT COALESCE(json_agg(json_build_object('code', g.error_code, 'title', g.error_title, 'count', g.count)
                        ORDER BY g.count DESC, g.error_code COLLATE "C", g.error_title COLLATE "C"), '[]') AS failures
          FROM (SELECT error_code, error_title, count(*)::int AS count FROM campaign_messages
                 WHERE run_id = run.id AND status = 'failed'
                 GROUP BY error_code, error_title) g
      ) f`,
    [tenant, id, query.run ?? null]
  )
  if (row === undefined) return null
  // Each row's events, by their own timestamps; a failure by when its row was last written. Pending
  // and in-flight rows have none: only the settled rows are read. A read message was delivered, as its
  // run's counter says, even while its delivered status is late or never comes: then by its read time.
  const { rows: timeline } = await db.query<{ minute: Date | string, sent: number, delivered: number, read: number, failed: number }>(
    `SELECT e.minute,
            count(*) FILTER (WHERE e.kind = 'sent')::int AS sent,
            count(*) FILTER (WHERE e.kind = 'delivered')::int AS delivered,
            count(*) FILTER (WHERE e.kind = 'read')::int AS read,
            count(*) FILTER (WHERE e.kind = 'failed')::int AS failed
       FROM campaign_messages m
       CROSS JOIN LATERAL (VALUES
         ('sent', m.sent_at), ('delivered', COALESCE(m.delivered_at, m.read_at)), ('read', m.read_at),
         ('failed', CASE WHEN m.status = 'failed' THEN m.updated_at END)
       ) AS v(kind, at)
       CROSS JOIN LATERAL (SELECT v.kind, date_trunc('minute', v.at, 'UTC')) AS e(kind, minute)
      WHERE m.tenant = $1 AND m.run_id = $2 AND m.status NOT IN ('pending', 'sending') AND v.at IS NOT NULL
      GROUP BY e.minute
      ORDER BY e.minute`,
    [tenant, Number(row.id)]
  )
  return {
    run: toStoredCampaignRun(row),
    failures: row.failures.map(f => ({ code: decodeCode(f.code), title: f.title ?? '', count: Number(f.count) })),
    timeline: timeline.map((minute): StoredTimelineMinute => ({
      minute: toDate(minute.minute),
      sent: Number(minute.sent),
      delivered: Number(minute.delivered),
      read: Number(minute.read),
      failed: Number(minute.failed)
    })),
    readAt: toDate(row.now)
  }
}

/** Over the tenant's runs started in [from, to), from the counters kept with each run: no message is read. */
export async function analytics (db: SqlClient, tenant: Tenant, period: { from: Date, to: Date }): Promise<StoredAnalytics> {
  const { rows: [row] } = await db.query<Record<keyof StoredAnalytics, number | string>>(
    `SELECT count(DISTINCT campaign_id) AS campaigns, count(*) AS runs,
            COALESCE(sum(total_count), 0) AS "totalCount", COALESCE(sum(success_count), 0) AS "successCount",
            COALESCE(sum(failed_count), 0) AS "failedCount", COALESCE(sum(delivered_count), 0) AS "deliveredCount",
            COALESCE(sum(read_count), 0) AS "readCount", COALESCE(sum(replied_count), 0) AS "repliedCount",
            COALESCE(sum(skipped_count), 0) AS "skippedCount"
       FROM campaign_runs
      WHERE tenant = $1 AND started_at >= $2 AND started_at < $3`,
    [tenant, period.from.toISOString(), period.to.toISOString()]
  )
  // Sums are bigint, which pg gives as text.
  return {
    campaigns: Number(row.campaigns),
    runs: Number(row.runs),
    totalCount: Number(row.totalCount),
    successCount: Number(row.successCount),
    failedCount: Number(row.failedCount),
    deliveredCount: Number(row.deliveredCount),
    readCount: Number(row.readCount),
    repliedCount: Number(row.repliedCount),
    skippedCount: Number(row.skippedCount)
  }
}
