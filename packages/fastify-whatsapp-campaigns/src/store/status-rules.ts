/**
 * The rules of the DeliveryLedger every adapter applies: what a status report makes of a message row,
 * and what that moves in its run's counters. Pure: the adapters read rows, ask these, write back.
 */
import type { MessageError } from '../schemas/campaign.js'
import type { DeliveryReports, InboundMessage, StatusReport, Tenant } from './types.js'
import { inDoubt, replyWindowMs, webhookClockMs, statusRank, unknownOutcome, type StoredMessageStatus } from './codes.js'

/** The fields of a message row that status reports move. */
export interface LedgerRow {
  status: StoredMessageStatus
  wamid: string | null
  error: MessageError | null
  sentAt: Date | null
  deliveredAt: Date | null
  readAt: Date | null
  witnessedAt: Date | null
}

/** What a change moves in the run's counters. */
export interface CounterDeltas {
  success: number
  failed: number
  delivered: number
  read: number
}

/** A row in doubt, or failed for want of its outcome before any wamid: a status naming it by origin proves it was sent. */
export function isAdoptable (row: Pick<LedgerRow, 'status' | 'wamid' | 'error'>): boolean {
  if (row.wamid !== null) return false
  if (row.status === 'doubt') return true
  return row.status === 'failed' && (row.error?.code === unknownOutcome.code || row.error?.code === inDoubt.code)
}

function rankOf (status: StoredMessageStatus): number {
  return status === 'sent' || status === 'delivered' || status === 'read' ? statusRank[status] : 0
}

function reportRank (report: StatusReport): number {
  if (report.readAt !== null) return statusRank.read
  if (report.deliveredAt !== null) return statusRank.delivered
  if (report.sentAt !== null) return statusRank.sent
  return 0
}

function earliest (a: Date | null, b: Date | null): Date | null {
  if (a === null) return b
  if (b === null) return a
  return a.getTime() <= b.getTime() ? a : b
}

const byRank: Record<number, StoredMessageStatus> = { 1: 'sent', 2: 'delivered', 3: 'read' }

/**
 * The row after the report, for a row that has the report's wamid or is adopted by its origin. Forward
 * only: sent < delivered < read; failed only from sent and final. `now` is our clock (witnessed_at).
 */
export function applyReport (row: LedgerRow, report: StatusReport, now: Date): LedgerRow {
  const adopted = row.wamid === null
  const witnessedAt = row.witnessedAt ?? now
  // Failed after sent is final: later reports only show it was witnessed.
  if (!adopted && row.status === 'failed') return { ...row, witnessedAt }
  const rank = Math.max(adopted ? 0 : rankOf(row.status), reportRank(report))
  const failed = rank <= statusRank.sent && report.failed !== null
  const status: StoredMessageStatus = failed ? 'failed' : byRank[Math.max(rank, statusRank.sent)]
  let sentAt: Date | null
  if (adopted) {
    sentAt = report.sentAt ?? report.deliveredAt ?? report.readAt ?? report.failed?.at ?? now
  } else if (report.sentAt === null) {
    sentAt = row.sentAt
  } else {
    // The record's clock gives way to Meta's first timestamp of the send; after that, the earliest holds.
    sentAt = row.witnessedAt === null ? report.sentAt : earliest(row.sentAt, report.sentAt)
  }
  return {
    status,
    wamid: row.wamid ?? report.wamid,
    error: failed ? { code: report.failed!.code, title: report.failed!.title } : null,
    sentAt,
    deliveredAt: earliest(row.deliveredAt, report.deliveredAt),
    readAt: earliest(row.readAt, report.readAt),
    witnessedAt
  }
}

function isSuccess (status: StoredMessageStatus): number {
  return status === 'sent' || status === 'delivered' || status === 'read' ? 1 : 0
}

/** What moving a row from `before` to `after` moves in its run's counters (delivered counts delivered or read). */
export function counterDeltas (before: StoredMessageStatus, after: StoredMessageStatus): CounterDeltas {
  const delivered = (status: StoredMessageStatus): number => status === 'delivered' || status === 'read' ? 1 : 0
  return {
    success: isSuccess(after) - isSuccess(before),
    failed: (after === 'failed' ? 1 : 0) - (before === 'failed' ? 1 : 0),
    delivered: delivered(after) - delivered(before),
    read: (after === 'read' ? 1 : 0) - (before === 'read' ? 1 : 0)
  }
}

/**
 * Two reports of one wamid as one: the earliest timestamp of each status and the earliest failure (Meta
 * repeats statuses, and a retried delivery repeats them all), the first origin.
 */
export function mergeReport (kept: StatusReport, added: StatusReport): StatusReport {
  return {
    wamid: kept.wamid,
    origin: kept.origin ?? added.origin,
    sentAt: earliest(kept.sentAt, added.sentAt),
    deliveredAt: earliest(kept.deliveredAt, added.deliveredAt),
    readAt: earliest(kept.readAt, added.readAt),
    failed: added.failed !== null && (kept.failed === null || added.failed.at.getTime() < kept.failed.at.getTime()) ? added.failed : kept.failed
  }
}

/** One report per wamid, in the order each wamid first came. */
export function mergeReports (reports: readonly StatusReport[]): StatusReport[] {
  const byWamid = new Map<string, StatusReport>()
  for (const report of reports) {
    const kept = byWamid.get(report.wamid)
    byWamid.set(report.wamid, kept === undefined ? { ...report } : mergeReport(kept, report))
  }
  return [...byWamid.values()]
}

/**
 * Who a keyword or preference speaks for, the last word per phone and number winning: a stop then a
 * start in one batch leaves the phone on no list.
 */
export interface OptOutEvent {
  phone: string
  phoneNumberId: string
  at: Date
  stop: boolean
  source: 'keyword' | 'preference'
}

export function latestOptOutEvents (events: OptOutEvent[]): OptOutEvent[] {
  const latest = new Map<string, OptOutEvent>()
  for (const event of events) {
    const key = `${event.phone}\u0000${event.phoneNumberId}`
    const kept = latest.get(key)
    if (kept === undefined || kept.at.getTime() <= event.at.getTime()) latest.set(key, event)
  }
  return [...latest.values()]
}

/** What a batch says of opt-outs: its stop and start keywords and its preferences, the last word per phone and number. */
export function optOutEventsOf (reports: DeliveryReports): OptOutEvent[] {
  return latestOptOutEvents([
    ...reports.inbound.filter(i => i.keyword !== null).map(i => ({ phone: i.from, phoneNumberId: i.phoneNumberId, at: i.at, stop: i.keyword === 'stop', source: 'keyword' as const })),
    ...reports.preferences.map(p => ({ phone: p.phone, phoneNumberId: p.phoneNumberId, at: p.at, stop: p.value === 'stop', source: 'preference' as const }))
  ])
}

/** A message an inbound one may answer, as the reply rule sees it. */
export interface ReplyCandidate {
  tenant: Tenant
  phone: string
  /** The phone number id its run sent from; null when not known (counts as any). */
  sender: string | null
  wamid: string | null
  sentAt: Date | null
}

/**
 * What an inbound message answers: the message it names (a quick-reply tap), when that was sent to
 * its phone from its number; else, for each tenant, the latest message sent to that phone from that
 * number within the reply window before it.
 */
export function replyTargets<T extends ReplyCandidate> (inbound: InboundMessage, answered: T | undefined, candidates: Iterable<T>): T[] {
  const sentFrom = (row: T): boolean => row.wamid !== null && row.phone === inbound.from && (row.sender === null || row.sender === inbound.phoneNumberId)
  if (answered !== undefined && sentFrom(answered)) return [answered]
  const latest = new Map<Tenant, T>()
  const from = inbound.at.getTime() - replyWindowMs
  const before = inbound.at.getTime() + webhookClockMs
  for (const row of candidates) {
    const sentAt = row.sentAt?.getTime()
    if (!sentFrom(row) || sentAt === undefined || sentAt < from || sentAt >= before) continue
    const seen = latest.get(row.tenant)
    if (seen === undefined || seen.sentAt!.getTime() < sentAt) latest.set(row.tenant, row)
  }
  return [...latest.values()]
}
