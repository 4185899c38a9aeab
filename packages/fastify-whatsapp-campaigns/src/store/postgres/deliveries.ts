/**
 * The DeliveryLedger over PostgreSQL. Each batch is one transaction: the message rows it touches are
 * locked first in one statement, in (run, position) order, then the runs in id order (the lock order
 * of runs.ts), so concurrent ingests and records never deadlock. What each row becomes is worked out
 * by the rules every adapter shares (status-rules.ts) and written back by key in one statement.
 */
import type { MessageError } from '../../schemas/campaign.js'
import type { DeliveryReports, IngestSummary, StatusReport } from '../types.js'
import type { SqlClient, SqlSession } from '../sql-client.js'
import { decodeCode, encodeCode, replyWindowMs, webhookClockMs, type StoredMessageStatus } from '../codes.js'
import { applyReport, counterDeltas, isAdoptable, mergeReport, mergeReports, optOutEventsOf, replyTargets, type LedgerRow } from '../status-rules.js'
import { epochMs, fromEpochMs } from '../epoch-ms.js'
import { toDate } from './rows.js'

/** A locked message row, as the rules see it. */
export interface LockedRow extends LedgerRow {
  runId: number
  position: number
  tenant: string
  phone: string
  sender: string | null
  repliedAt: Date | null
  changed: boolean
  /** Marked replied by this batch. */
  replied?: boolean
  /** The status it had when locked: what the run's counters move from. */
  before: StoredMessageStatus
}

interface LockedRecord {
  run_id: number
  position: number
  tenant: string
  phone: string
  sender: string | null
  status: StoredMessageStatus
  wamid: string | null
  error_code: string | null
  error_title: string | null
  sent_at: number | string | null
  delivered_at: number | string | null
  read_at: number | string | null
  witnessed_at: number | string | null
  replied_at: number | string | null
}

/**
 * Locks, in (run, position) order, the rows with one of `wamids`, the rows `keys` name, and each
 * inbound's latest message to its phone from its number within the reply window, per tenant.
 */
export async function lockRows (
  tx: SqlSession, wamids: string[], keys: Array<{ runId: number, position: number }>, inbound: Array<{ from: string, phoneNumberId: string, at: Date }> = []
): Promise<LockedRow[]> {
  // Found first, then locked by key alone. Locked in the statement that finds them, a row another
  // transaction changes meanwhile is checked again once it commits, with the search's other rows, and
  // PostgreSQL can then drop it from the answer: its statuses would be kept as early, for a message
  // that is there. A lock by key, rechecked, still matches its key.
  const { rows: found } = await tx.query<{ run_id: number, position: number }>(
    `SELECT DISTINCT k.run_id, k.position
       -- The keys of the three kinds of row as one set: written as an OR of three conditions, the
       -- planner reads the whole table for it at every ingest; a set of keys it probes by primary key.
       FROM (SELECT w.run_id, w.position FROM campaign_messages w WHERE w.wamid = ANY ($1::text[])
             UNION ALL
             SELECT * FROM unnest($2::int[], $3::int[])
             UNION ALL
             SELECT c.run_id, c.position
               FROM jsonb_to_recordset($4::jsonb) AS i("from" text, pnid text, at timestamptz)
              CROSS JOIN LATERAL (
                SELECT DISTINCT ON (s.tenant) s.run_id, s.position
                  FROM campaign_messages s JOIN campaign_runs sr ON sr.id = s.run_id
                 WHERE s.phone = i."from" AND s.wamid IS NOT NULL AND (sr.sender IS NULL OR sr.sender = i.pnid)
                   AND s.sent_at >= i.at - $5::float8 * interval '1 millisecond'
                   AND s.sent_at < i.at + $6::float8 * interval '1 millisecond'
                 ORDER BY s.tenant, s.sent_at DESC
              ) c) AS k(run_id, position)`,
    [wamids, keys.map(k => k.runId), keys.map(k => k.position),
      JSON.stringify(inbound.map(i => ({ from: i.from, pnid: i.phoneNumberId, at: i.at }))), replyWindowMs, webhookClockMs]
  )
  if (found.length === 0) return []
  const { rows } = await tx.query<LockedRecord>(
    `SELECT m.run_id, m.position, m.tenant, m.phone, (SELECT r.sender FROM campaign_runs r WHERE r.id = m.run_id) AS sender,
            m.status, m.wamid, m.error_code, m.error_title,
            date_part('epoch', m.sent_at) * 1000 AS sent_at, date_part('epoch', m.delivered_at) * 1000 AS delivered_at,
            date_part('epoch', m.read_at) * 1000 AS read_at, date_part('epoch', m.witnessed_at) * 1000 AS witnessed_at,
            date_part('epoch', m.replied_at) * 1000 AS replied_at
       FROM unnest($1::int[], $2::int[]) AS k(run_id, position)
       JOIN campaign_messages m ON m.run_id = k.run_id AND m.position = k.position
      ORDER BY m.run_id, m.position
      FOR UPDATE OF m`,
    [found.map(row => row.run_id), found.map(row => row.position)]
  )
  return rows.map(row => ({
    runId: Number(row.run_id),
    position: Number(row.position),
    tenant: row.tenant,
    phone: row.phone,
    sender: row.sender,
    status: row.status,
    before: row.status,
    wamid: row.wamid,
    error: row.error_code === null ? null : { code: decodeCode(row.error_code), title: row.error_title ?? '' } satisfies MessageError,
    sentAt: fromEpochMs(row.sent_at),
    deliveredAt: fromEpochMs(row.delivered_at),
    readAt: fromEpochMs(row.read_at),
    witnessedAt: fromEpochMs(row.witnessed_at),
    repliedAt: fromEpochMs(row.replied_at),
    changed: false
  }))
}

/** The early statuses of these wamids, taken out of the table (the caller applies them). */
async function takeKept (tx: SqlSession, wamids: string[]): Promise<StatusReport[]> {
  if (wamids.length === 0) return []
  const { rows } = await tx.query<Record<string, any>>(
    'DELETE FROM campaign_early_statuses WHERE wamid = ANY ($1::text[]) RETURNING *', [wamids]
  )
  return rows.map(keptReport)
}

export function keptReport (row: Record<string, any>): StatusReport {
  return {
    wamid: row.wamid,
    origin: row.origin_run === null ? null : { runId: Number(row.origin_run), id: Number(row.origin_position) },
    sentAt: toDate(row.sent_at),
    deliveredAt: toDate(row.delivered_at),
    readAt: toDate(row.read_at),
    failed: row.failed_at === null ? null : { at: toDate(row.failed_at), code: decodeCode(row.error_code), title: row.error_title ?? '' }
  }
}

/** Applies a report to a locked row (with its wamid, or adopted by it). */
export function applyTo (row: LockedRow, report: StatusReport, now: Date): void {
  Object.assign(row, applyReport(row, report, now), { changed: true })
}

/** Writes the changed rows back by key and moves each run's counters (runs locked in id order). */
export async function writeRows (tx: SqlSession, rows: LockedRow[]): Promise<void> {
  const changed = rows.filter(row => row.changed)
  if (changed.length === 0) return
  await tx.query(
    `UPDATE campaign_messages m
        SET status = x.status, wamid = x.wamid, error_code = x.error_code, error_title = x.error_title,
            sent_at = to_timestamp(x.sent_at / 1000), delivered_at = to_timestamp(x.delivered_at / 1000),
            read_at = to_timestamp(x.read_at / 1000), witnessed_at = to_timestamp(x.witnessed_at / 1000),
            replied_at = to_timestamp(x.replied_at / 1000), updated_at = now()
       -- json, not jsonb: read once, it is not worth jsonb's parse into its binary form.
       FROM json_to_recordset($1::json) AS x(run_id int, position int, status text, wamid text, error_code text, error_title text,
            sent_at float8, delivered_at float8, read_at float8, witnessed_at float8, replied_at float8)
      WHERE m.run_id = x.run_id AND m.position = x.position`,
    [JSON.stringify(changed.map(row => ({
      run_id: row.runId,
      position: row.position,
      status: row.status,
      wamid: row.wamid,
      error_code: row.error === null ? null : encodeCode(row.error.code),
      error_title: row.error?.title ?? null,
      sent_at: epochMs(row.sentAt),
      delivered_at: epochMs(row.deliveredAt),
      read_at: epochMs(row.readAt),
      witnessed_at: epochMs(row.witnessedAt),
      replied_at: epochMs(row.repliedAt)
    })))]
  )
  const byRun = new Map<number, { id: number, success: number, failed: number, delivered: number, read: number, replied: number }>()
  for (const row of changed) {
    const deltas = counterDeltas(row.before, row.status)
    const run = byRun.get(row.runId) ?? { id: row.runId, success: 0, failed: 0, delivered: 0, read: 0, replied: 0 }
    run.success += deltas.success
    run.failed += deltas.failed
    run.delivered += deltas.delivered
    run.read += deltas.read
    if (row.replied === true) run.replied++
    byRun.set(row.runId, run)
  }
  await tx.query(
    `WITH d AS (SELECT * FROM json_to_recordset($1::json) AS d(id int, success int, failed int, delivered int, read int, replied int)),
     l AS (SELECT r.id FROM campaign_runs r WHERE r.id IN (SELECT id FROM d) ORDER BY r.id FOR UPDATE)
     UPDATE campaign_runs r
        SET success_count = r.success_count + d.success, failed_count = r.failed_count + d.failed,
            delivered_count = r.delivered_count + d.delivered, read_count = r.read_count + d.read,
            replied_count = r.replied_count + d.replied
       FROM d JOIN l ON l.id = d.id
      WHERE r.id = d.id`,
    [JSON.stringify([...byRun.values()])]
  )
}

export async function ingest (db: SqlClient, reports: DeliveryReports): Promise<IngestSummary> {
  return await db.transaction(async tx => await ingestIn(tx, reports))
}

/** `ingest` inside the caller's transaction. */
export async function ingestIn (tx: SqlSession, reports: DeliveryReports): Promise<IngestSummary> {
  const summary: IngestSummary = { matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 }
  const statuses = mergeReports(reports.statuses)
  const now = new Date()
  const origins = statuses.flatMap(s => s.origin === null ? [] : [{ runId: s.origin.runId, position: s.origin.id }])
  const replyTos = reports.inbound.flatMap(i => i.replyTo === null ? [] : [i.replyTo])
  const rows = await lockRows(tx, [...statuses.map(s => s.wamid), ...replyTos], origins, reports.inbound)
  const byWamid = new Map(rows.filter(r => r.wamid !== null).map(r => [r.wamid!, r]))
  const byKey = new Map(rows.map(r => [`${r.runId}:${r.position}`, r]))
  // Statuses kept earlier for wamids that have a row by now (their record came between): applied with these.
  const kept = new Map((await takeKept(tx, statuses.filter(s => byWamid.has(s.wamid)).map(s => s.wamid))).map(k => [k.wamid, k]))
  const early: StatusReport[] = []
  for (const status of statuses) {
    const report = kept.has(status.wamid) ? mergeReport(kept.get(status.wamid)!, status) : status
    const named = report.origin === null ? undefined : byKey.get(`${report.origin.runId}:${report.origin.id}`)
    const row = byWamid.get(report.wamid) ?? (named !== undefined && isAdoptable(named) ? named : undefined)
    if (row !== undefined) {
      applyTo(row, report, now)
      byWamid.set(report.wamid, row)
      summary.matched++
      continue
    }
    // Its send is still in flight: the mark tells the record, which cannot see this row yet, to look for it.
    if (named !== undefined && named.status === 'sending' && named.witnessedAt === null) {
      named.witnessedAt = now
      named.changed = true
    }
    early.push(report)
    summary.early++
  }
  for (const inbound of reports.inbound) {
    const answered = inbound.replyTo === null ? undefined : byWamid.get(inbound.replyTo)
    for (const row of replyTargets(inbound, answered, rows)) {
      if (row.repliedAt !== null) continue
      row.repliedAt = new Date(inbound.at)
      row.replied = true
      row.changed = true
      summary.replies++
    }
  }
  await writeRows(tx, rows)
  await keepEarly(tx, early)
  await applyOptOutEvents(tx, reports, summary)
  if (reports.other.length > 0) {
    await tx.query(
      `INSERT INTO campaign_webhook_events (field, account_id, value)
       SELECT x.field, x.account_id, x.value FROM jsonb_to_recordset($1::jsonb) AS x(field text, account_id text, value jsonb)`,
      [JSON.stringify(reports.other.map(e => ({ field: e.field, account_id: e.accountId, value: e.value ?? null })))]
    )
  }
  return summary
}

/** Keeps statuses whose wamid no row has, merged per wamid with what was kept before. */
async function keepEarly (tx: SqlSession, early: StatusReport[]): Promise<void> {
  if (early.length === 0) return
  await tx.query(
    `INSERT INTO campaign_early_statuses AS e (wamid, origin_run, origin_position, sent_at, delivered_at, read_at, failed_at, error_code, error_title)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(wamid text, origin_run int, origin_position int, sent_at timestamptz,
            delivered_at timestamptz, read_at timestamptz, failed_at timestamptz, error_code text, error_title text)
     ORDER BY wamid
     ON CONFLICT (wamid) DO UPDATE
        SET origin_run = COALESCE(e.origin_run, excluded.origin_run),
            origin_position = CASE WHEN e.origin_run IS NULL THEN excluded.origin_position ELSE e.origin_position END,
            sent_at = LEAST(e.sent_at, excluded.sent_at),
            delivered_at = LEAST(e.delivered_at, excluded.delivered_at),
            read_at = LEAST(e.read_at, excluded.read_at),
            failed_at = LEAST(e.failed_at, excluded.failed_at),
            error_code = CASE WHEN e.failed_at IS NULL OR excluded.failed_at < e.failed_at THEN excluded.error_code ELSE e.error_code END,
            error_title = CASE WHEN e.failed_at IS NULL OR excluded.failed_at < e.failed_at THEN excluded.error_title ELSE e.error_title END`,
    [JSON.stringify(early.map(r => ({
      wamid: r.wamid,
      origin_run: r.origin?.runId ?? null,
      origin_position: r.origin?.id ?? null,
      sent_at: r.sentAt,
      delivered_at: r.deliveredAt,
      read_at: r.readAt,
      failed_at: r.failed?.at ?? null,
      error_code: r.failed === null ? null : encodeCode(r.failed.code),
      error_title: r.failed?.title ?? null
    })))]
  )
}

/** Stop and start keywords and preferences, the last word per phone and number, for the tenants that messaged the phone from it. */
async function applyOptOutEvents (tx: SqlSession, reports: DeliveryReports, summary: IngestSummary): Promise<void> {
  const events = optOutEventsOf(reports)
  if (events.length === 0) return
  const { rows: [counts] } = await tx.query<{ added: number, removed: number }>(
    `WITH e AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(phone text, pnid text, stop boolean, source text)),
     t AS (
       SELECT DISTINCT m.tenant, e.phone, e.stop, e.source
         FROM e JOIN campaign_messages m ON m.phone = e.phone AND m.wamid IS NOT NULL
         JOIN campaign_runs r ON r.id = m.run_id AND (r.sender IS NULL OR r.sender = e.pnid)
     ), added AS (
       INSERT INTO campaign_opt_outs (tenant, phone, source)
       SELECT tenant, phone, source FROM t WHERE stop ORDER BY tenant, phone
       ON CONFLICT (tenant, phone) DO NOTHING
       RETURNING 1
     ), removed AS (
       DELETE FROM campaign_opt_outs o USING t
        WHERE NOT t.stop AND o.tenant = t.tenant AND o.phone = t.phone
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM removed)::int AS removed`,
    [JSON.stringify(events.map(e => ({ phone: e.phone, pnid: e.phoneNumberId, stop: e.stop, source: e.source })))]
  )
  summary.optedOut += Number(counts.added)
  summary.optedIn += Number(counts.removed)
}

/** After a record wrote these wamids and found statuses kept for them: applied and dropped, in a transaction of their own. */
export async function applyKept (db: SqlClient, wamids: string[]): Promise<void> {
  await db.transaction(async tx => {
    const rows = await lockRows(tx, wamids, [])
    const byWamid = new Map(rows.filter(r => r.wamid !== null).map(r => [r.wamid!, r]))
    const now = new Date()
    for (const report of await takeKept(tx, [...byWamid.keys()])) applyTo(byWamid.get(report.wamid)!, report, now)
    await writeRows(tx, rows)
  })
}

export async function expireEarlyStatuses (db: SqlClient, before: Date): Promise<number> {
  const { rows: [row] } = await db.query<{ count: number }>(
    'WITH gone AS (DELETE FROM campaign_early_statuses WHERE received_at < $1 RETURNING 1) SELECT count(*)::int AS count FROM gone',
    [before.toISOString()]
  )
  return Number(row.count)
}
