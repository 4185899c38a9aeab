/** The run side of the memory adapter: what the engine does. */
import type { CampaignStatus, RunError } from '../../schemas/campaign.js'
import type { ClaimedMessage, Guarded, LeaseExpiry, MessageOutcome, RunCounters, RunPlan, RunProgress, RunRecipients, RunRef, StoredContact, Tenant } from '../types.js'
import { inDoubt, notSent, staleLeasesPerCall, unknownOutcome } from '../codes.js'
import { applyKept } from './deliveries.js'
import { addOptOuts } from './opt-outs.js'
import { nextSamples } from '../rate-samples.js'
import { isActive, isUnsettled, type CampaignRecord, type MemoryState, type RunRecord } from './state.js'

export function startRun (
  state: MemoryState, tenant: Tenant, id: number, allowed: readonly CampaignStatus[], recipients: RunRecipients = 'all', sender?: string
): Guarded<RunPlan> {
  const campaign = state.guard(tenant, id, allowed)
  if ('ok' in campaign) return campaign
  // One run of a campaign at a time, even when the caller would allow starting from one under way.
  const active = [...state.runs.values()].find(r => r.campaignId === id && isActive(r))
  if (active !== undefined) return { ok: false, reason: 'status', status: campaign.status }
  const list = recipientsOf(state, campaign, recipients)
  if (list.length === 0) return { ok: false, reason: 'empty' }
  const now = new Date()
  const run: RunRecord = {
    id: ++state.lastRunId,
    tenant,
    campaignId: id,
    status: 'running',
    recipients,
    templateName: campaign.templateName,
    language: campaign.language,
    parameters: [...campaign.parameters],
    successCount: 0,
    failedCount: 0,
    deliveredCount: 0,
    readCount: 0,
    repliedCount: 0,
    skippedCount: 0,
    sender: sender ?? null,
    error: null,
    messages: [],
    unsettledFrom: 0,
    startedAt: now,
    finishedAt: null,
    rate: { older: { at: now, settled: 0 }, newer: { at: now, settled: 0 } },
    marks: new Map()
  }
  run.messages = list.map((recipient, i) => ({
    id: ++state.lastMessageId,
    runId: run.id,
    position: i + 1,
    phone: recipient.phone,
    name: recipient.name,
    parameters: recipient.parameters === null ? null : [...recipient.parameters],
    status: 'pending',
    wamid: null,
    attempts: 0,
    pairRateRetries: 0,
    nextAttemptAt: -Infinity,
    leaseUntil: null,
    error: null,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    repliedAt: null,
    witnessedAt: null,
    doubtResends: 0,
    updatedAt: now
  }))
  for (const message of run.messages) {
    state.messagesById.set(message.id, message)
    // Counted like any other recipient in the total: the run reports whom it left out.
    if (state.isOptedOut(tenant, message.phone)) state.skip(run, message)
  }
  state.runs.set(run.id, run)
  campaign.status = 'running'
  campaign.latestRunId = run.id
  campaign.updatedAt = now
  return { ok: true, value: state.plan(run) }
}

/** Every contact, or the latest run's failed recipients in their order. */
function recipientsOf (state: MemoryState, campaign: CampaignRecord, recipients: RunRecipients): StoredContact[] {
  if (recipients === 'all') return campaign.contacts
  if (recipients !== 'failed') throw new RangeError(`startRun: recipients must be 'all' or 'failed', got ${String(recipients)}`)
  return state.latestRun(campaign)?.messages.filter(m => m.status === 'failed') ?? []
}

export function activeRuns (state: MemoryState): RunPlan[] {
  return [...state.runs.values()].filter(r => r.status === 'running').sort((a, b) => a.id - b.id).map(r => state.plan(r))
}

export function runningFrom (state: MemoryState, senders: readonly string[]): RunPlan[] {
  const wanted = new Set(senders)
  return [...state.runs.values()].filter(r => r.status === 'running' && r.sender !== null && wanted.has(r.sender)).sort((a, b) => a.id - b.id).map(r => state.plan(r))
}

export function dueScheduled (state: MemoryState, now: Date, limit: number): Array<{ tenant: Tenant, id: number }> {
  return [...state.campaigns.values()]
    .filter(c => c.status === 'scheduled' && c.scheduledAt !== null && c.scheduledAt.getTime() <= now.getTime())
    .sort((a, b) => a.scheduledAt!.getTime() - b.scheduledAt!.getTime() || a.id - b.id)
    .slice(0, Math.max(0, limit))
    .map(c => ({ tenant: c.tenant, id: c.id }))
}

export function claim (state: MemoryState, ref: RunRef, limit: number, leaseUntil: Date): ClaimedMessage[] {
  const run = state.runOf(ref)
  if (run === undefined || run.status !== 'running') return []
  const now = Date.now()
  const claimed: ClaimedMessage[] = []
  // A row picked whose phone has opted out since the start counts against the limit, as in PostgreSQL,
  // where the claim picks its rows before it looks them up.
  let picked = 0
  for (const message of state.unsettled(run)) {
    if (picked >= limit) break
    if (message.status !== 'pending' || message.nextAttemptAt > now) continue
    picked++
    if (state.isOptedOut(ref.tenant, message.phone)) {
      state.skip(run, message)
      continue
    }
    message.status = 'sending'
    message.leaseUntil = leaseUntil.getTime()
    message.attempts++
    message.updatedAt = new Date()
    claimed.push({
      id: message.id,
      phone: message.phone,
      name: message.name,
      parameters: message.parameters === null ? null : [...message.parameters],
      attempts: message.attempts,
      pairRateRetries: message.pairRateRetries
    })
  }
  if (claimed.length > 0) {
    sweepMarks(state, run)
    if (!run.marks.has(leaseUntil.getTime())) run.marks.set(leaseUntil.getTime(), 0)
  }
  return claimed
}

/** Past this many marks, those whose rows all left `sending` are dropped (a scan of the unsettled rows). */
const marksBeforeSweep = 64

function sweepMarks (state: MemoryState, run: RunRecord): void {
  if (run.marks.size < marksBeforeSweep) return
  const held = new Set<number>()
  for (const message of state.unsettled(run)) if (message.status === 'sending' && message.leaseUntil !== null) held.add(message.leaseUntil)
  for (const lease of run.marks.keys()) if (!held.has(lease)) run.marks.delete(lease)
}

export function markIssued (state: MemoryState, ref: RunRef, leaseUntil: Date, through: number): void {
  const marks = state.runOf(ref)?.marks
  const mark = marks?.get(leaseUntil.getTime())
  if (marks !== undefined && mark !== undefined && through > mark) marks.set(leaseUntil.getTime(), through)
}

export function record (state: MemoryState, ref: RunRef, outcomes: MessageOutcome[]): void {
  const run = state.runOf(ref)
  // Whatever the run's status: sends in flight when it was paused or cancelled are recorded too.
  if (run === undefined || outcomes.length === 0) return
  for (const outcome of outcomes) {
    const message = state.messagesById.get(outcome.id)
    // Only a row still `sending` moves: recording twice, or after its lease ran out, changes nothing.
    if (message === undefined || message.runId !== run.id || message.status !== 'sending') continue
    // A sent or doubted row keeps its lease: the claim's time, which a doubt's neighbours are found by.
    if (outcome.status !== 'sent' && outcome.status !== 'doubt') message.leaseUntil = null
    message.updatedAt = new Date()
    if (outcome.status === 'sent') {
      message.status = 'sent'
      message.wamid = outcome.messageId
      message.error = null
      message.sentAt = new Date()
      state.messagesByWamid.set(outcome.messageId, message)
      run.successCount++
      applyKept(state, message)
    } else if (outcome.status === 'failed') {
      state.fail(run, message, { code: outcome.code, title: outcome.title })
      if (outcome.optOut === true) addOptOuts(state, run.tenant, [message.phone], 'error')
    } else if (outcome.status === 'doubt') {
      message.status = 'doubt'
      message.error = { code: outcome.code, title: outcome.title }
    } else if (outcome.status === 'unsent') {
      message.status = 'pending'
      message.attempts--
      if (outcome.error !== undefined) message.error = { ...outcome.error }
    } else {
      message.status = 'pending'
      message.error = { code: outcome.code, title: outcome.title }
      message.nextAttemptAt = outcome.notBefore.getTime()
      if (outcome.pairRate === true) message.pairRateRetries++
    }
  }
  run.rate = nextSamples(run.rate, run.successCount + run.failedCount, new Date())
}

export function failExpiredLeases (state: MemoryState, ref: RunRef, now: Date, expiry: LeaseExpiry = 'fail'): number {
  const run = state.runOf(ref)
  return run === undefined ? 0 : failLeases(state, run, now, Infinity, expiry)
}

/** The reaper: leases that ran out in runs no longer running, every tenant's, `limit` at most; a running run's are its workers'. */
export function failStaleLeases (state: MemoryState, now: Date, limit = staleLeasesPerCall, expiry: LeaseExpiry = 'fail'): number {
  if (!(limit > 0)) return 0
  let failed = 0
  // In id order (the order they were added), like the PostgreSQL adapter.
  for (const run of state.runs.values()) {
    if (failed >= limit) break
    if (run.status !== 'running') failed += failLeases(state, run, now, limit - failed, expiry)
  }
  return failed
}

/**
 * The one rule for a lease that ran out, for `sending` rows whose lease ended before `now`: a row past
 * its claim's mark was never sent and goes back to pending, its attempt given back (NOT_SENT, counted,
 * when its run has ended); any other may have been sent and fails with UNKNOWN_OUTCOME, counted in the
 * run, or with `doubt` waits in doubt (IN_DOUBT, not counted, the lease kept for resolveDoubts).
 */
function failLeases (state: MemoryState, run: RunRecord, now: Date, limit: number, expiry: LeaseExpiry): number {
  let count = 0
  const active = run.status === 'running' || run.status === 'paused'
  for (const message of state.unsettled(run)) {
    if (count >= limit) break
    if (message.status !== 'sending' || message.leaseUntil === null || message.leaseUntil >= now.getTime()) continue
    const mark = run.marks.get(message.leaseUntil)
    if (mark !== undefined && message.id > mark) {
      message.attempts = Math.max(0, message.attempts - 1)
      message.leaseUntil = null
      if (active) {
        message.status = 'pending'
        message.updatedAt = new Date()
      } else {
        state.fail(run, message, notSent)
      }
    } else if (expiry === 'doubt') {
      message.status = 'doubt'
      message.error = { ...inDoubt }
      message.updatedAt = new Date()
    } else {
      state.fail(run, message, unknownOutcome)
    }
    count++
  }
  return count
}

export function progress (state: MemoryState, ref: RunRef, now: Date): RunProgress {
  const run = state.runOf(ref)
  // A run that is gone (deleted with its campaign), or not this tenant's, is over for good.
  const result: RunProgress = { status: run?.status ?? 'cancelled', pending: 0, due: 0, sending: 0, doubt: 0, nextDueAt: null }
  if (run === undefined) return result
  let nextDue = Infinity
  for (const message of state.unsettled(run)) {
    if (message.status === 'sending') result.sending++
    if (message.status === 'doubt') result.doubt++
    if (message.status !== 'pending') continue
    result.pending++
    if (message.nextAttemptAt <= now.getTime()) result.due++
    else nextDue = Math.min(nextDue, message.nextAttemptAt)
  }
  if (nextDue !== Infinity) result.nextDueAt = new Date(nextDue)
  return result
}

export function counters (state: MemoryState, ref: RunRef): RunCounters | null {
  const run = state.runOf(ref)
  if (run === undefined) return null
  return { status: run.status, totalCount: run.messages.length, successCount: run.successCount, failedCount: run.failedCount, skippedCount: run.skippedCount }
}

export function finishRun (state: MemoryState, ref: RunRef, outcome: { status: 'completed' } | { status: 'failed', error: RunError }): boolean {
  const run = state.runOf(ref)
  if (run === undefined || run.status !== 'running') return false
  const error = outcome.status === 'failed' ? { ...outcome.error } : null
  // What is left pending was never sent (the run's reason); what is left sending may have been.
  const leftover = error === null ? notSent : { code: error.code, title: error.title }
  for (const message of state.unsettled(run)) {
    if (isUnsettled(message)) state.fail(run, message, message.status === 'sending' ? unknownOutcome : leftover)
  }
  run.status = outcome.status
  run.error = error
  run.finishedAt = new Date()
  const campaign = state.campaigns.get(run.campaignId)
  if (campaign !== undefined && campaign.latestRunId === run.id) {
    campaign.status = outcome.status
    campaign.updatedAt = new Date()
  }
  return true
}
