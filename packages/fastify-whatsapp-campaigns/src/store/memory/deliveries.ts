/** The DeliveryLedger of the memory adapter: status webhooks applied to the messages, replies, opt-outs, doubts. */
import type { DeliveryReports, DoubtResolution, IngestSummary, InboundMessage, RunRef, StatusReport, Tenant } from '../types.js'
import { doubtNeighbours, mostDoubtResends, unknownOutcome } from '../codes.js'
import { applyReport, counterDeltas, isAdoptable, mergeReport, mergeReports, optOutEventsOf, replyTargets, type ReplyCandidate } from '../status-rules.js'
import { addOptOuts } from './opt-outs.js'
import type { MemoryState, MessageRecord, RunRecord } from './state.js'

/** Applies a report to a message that has its wamid or is adopted by it, and moves the run's counters. */
function apply (state: MemoryState, message: MessageRecord, report: StatusReport, now: Date): void {
  const run = state.runs.get(message.runId)
  if (run === undefined) return
  const before = message.status
  const after = applyReport(message, report, now)
  Object.assign(message, after, { updatedAt: now })
  if (message.wamid !== null) state.messagesByWamid.set(message.wamid, message)
  const deltas = counterDeltas(before, after.status)
  run.successCount += deltas.success
  run.failedCount += deltas.failed
  run.deliveredCount += deltas.delivered
  run.readCount += deltas.read
}

/** The statuses kept for a wamid that a record has just written: applied and dropped. */
export function applyKept (state: MemoryState, message: MessageRecord): void {
  if (message.wamid === null) return
  const kept = state.earlyStatuses.get(message.wamid)
  if (kept === undefined) return
  state.earlyStatuses.delete(message.wamid)
  apply(state, message, kept.report, new Date())
}

export function ingest (state: MemoryState, reports: DeliveryReports): IngestSummary {
  const now = new Date()
  const summary: IngestSummary = { matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 }
  for (const report of mergeReports(reports.statuses)) {
    const message = state.messagesByWamid.get(report.wamid) ?? adoptable(state, report)
    if (message !== undefined) {
      apply(state, message, report, now)
      summary.matched++
      continue
    }
    const kept = state.earlyStatuses.get(report.wamid)
    state.earlyStatuses.set(report.wamid, kept === undefined
      ? { report: { ...report }, receivedAt: now }
      : { report: mergeReport(kept.report, report), receivedAt: kept.receivedAt })
    summary.early++
  }
  for (const inbound of reports.inbound) summary.replies += markReplies(state, inbound)
  for (const event of optOutEventsOf(reports)) {
    for (const tenant of tenantsOf(state, event.phone, event.phoneNumberId)) {
      if (event.stop) {
        summary.optedOut += addOptOuts(state, tenant, [event.phone], event.source)
      } else if (state.optOuts.get(tenant)?.delete(event.phone) === true) {
        summary.optedIn++
      }
    }
  }
  for (const event of reports.other) state.webhookEvents.push({ field: event.field, accountId: event.accountId, value: structuredClone(event.value), receivedAt: now })
  return summary
}

/** The row the report's origin names, when it is one a status may adopt. */
function adoptable (state: MemoryState, report: StatusReport): MessageRecord | undefined {
  if (report.origin === null) return undefined
  const message = state.messagesById.get(report.origin.id)
  return message !== undefined && message.runId === report.origin.runId && isAdoptable(message) ? message : undefined
}

/** Whether the message was sent from the number (a run whose sender is not known counts as any). */
function sentFrom (state: MemoryState, message: MessageRecord, phoneNumberId: string): RunRecord | undefined {
  const run = state.runs.get(message.runId)
  return run !== undefined && (run.sender === null || run.sender === phoneNumberId) ? run : undefined
}

/** The messages Meta accepted for the phone from the number, with their runs. */
function sentTo (state: MemoryState, phone: string, phoneNumberId: string): Array<{ message: MessageRecord, run: RunRecord }> {
  const found: Array<{ message: MessageRecord, run: RunRecord }> = []
  for (const message of state.messagesByWamid.values()) {
    if (message.phone !== phone) continue
    const run = sentFrom(state, message, phoneNumberId)
    if (run !== undefined) found.push({ message, run })
  }
  return found
}

function tenantsOf (state: MemoryState, phone: string, phoneNumberId: string): Set<Tenant> {
  return new Set(sentTo(state, phone, phoneNumberId).map(({ run }) => run.tenant))
}

/** Marks replied the message the inbound answers, else each tenant's latest within the window. Returns how many. */
function markReplies (state: MemoryState, inbound: InboundMessage): number {
  const candidate = (message: MessageRecord, run: RunRecord): ReplyCandidate & { message: MessageRecord } =>
    ({ message, tenant: run.tenant, phone: message.phone, sender: run.sender, wamid: message.wamid, sentAt: message.sentAt })
  const answeredMessage = inbound.replyTo === null ? undefined : state.messagesByWamid.get(inbound.replyTo)
  const answeredRun = answeredMessage === undefined ? undefined : state.runs.get(answeredMessage.runId)
  const answered = answeredMessage === undefined || answeredRun === undefined ? undefined : candidate(answeredMessage, answeredRun)
  const candidates = sentTo(state, inbound.from, inbound.phoneNumberId).map(({ message, run }) => candidate(message, run))
  let marked = 0
  for (const { message } of replyTargets(inbound, answered, candidates)) {
    if (message.repliedAt !== null) continue
    message.repliedAt = new Date(inbound.at)
    message.updatedAt = new Date()
    const run = state.runs.get(message.runId)
    if (run !== undefined) run.repliedCount++
    marked++
  }
  return marked
}

export function resolveDoubts (state: MemoryState, ref: RunRef, now: Date, windowMs: number): DoubtResolution {
  const result: DoubtResolution = { witnessed: 0, resent: 0, failed: 0 }
  const run = state.runOf(ref)
  if (run === undefined) return result
  const due = now.getTime() - windowMs
  const doubted = run.messages.filter(m => m.status === 'doubt' && (m.leaseUntil ?? -Infinity) <= due)
  for (const message of doubted) {
    const witness = [...state.earlyStatuses.entries()].find(([, kept]) => kept.report.origin?.runId === run.id && kept.report.origin.id === message.id)
    if (witness !== undefined) {
      state.earlyStatuses.delete(witness[0])
      apply(state, message, witness[1].report, now)
      result.witnessed++
    } else if (message.doubtResends < mostDoubtResends && neighboursWitnessed(run, message)) {
      message.status = 'pending'
      // Due at once, whatever the clock `now` was read on.
      message.nextAttemptAt = -Infinity
      message.leaseUntil = null
      message.doubtResends++
      message.updatedAt = now
      result.resent++
    } else {
      state.fail(run, message, unknownOutcome)
      result.failed++
    }
  }
  return result
}

/** The proof that a doubted send's webhooks would have come: the sends claimed last before it (and Meta accepted) were all witnessed. */
function neighboursWitnessed (run: RunRecord, message: MessageRecord): boolean {
  const lease = message.leaseUntil ?? -Infinity
  const neighbours = run.messages
    .filter(m => m.wamid !== null && m.leaseUntil !== null && m.leaseUntil <= lease)
    .sort((a, b) => b.leaseUntil! - a.leaseUntil! || b.position - a.position)
    .slice(0, doubtNeighbours)
  return neighbours.length > 0 && neighbours.every(m => m.witnessedAt !== null)
}

export function expireEarlyStatuses (state: MemoryState, before: Date): number {
  let count = 0
  for (const [wamid, kept] of state.earlyStatuses) {
    if (kept.receivedAt.getTime() < before.getTime()) {
      state.earlyStatuses.delete(wamid)
      count++
    }
  }
  return count
}
