/**
 * The API's view of what a store keeps, in one place for every adapter: ISO timestamps, the live
 * figures of a run from its counters and rate samples, and message statuses as the API names them.
 */
import type { CampaignSummary, Message, RunProgressFigures } from '../schemas/campaign.js'
import type { CampaignRun } from '../schemas/run.js'
import type { DeliveryCounts, StoredCampaign, StoredCampaignRun, StoredMessage, StoredRun } from '../store/types.js'
import { publicMessageStatus } from '../store/codes.js'
import { rateWindowMs } from '../store/rate-samples.js'

/** A young run would show absurd rates (3 outcomes in 2 ms): rates are taken over one second at least. */
const minimumSpanMs = 1000

export function presentCampaign (campaign: StoredCampaign): CampaignSummary {
  const run = campaign.latestRun
  const summary: CampaignSummary = {
    id: campaign.id,
    name: campaign.name,
    templateName: campaign.templateName,
    language: campaign.language,
    parameters: [...campaign.parameters],
    status: campaign.status,
    totalCount: run?.totalCount ?? campaign.contactCount,
    contactCount: campaign.contactCount,
    successCount: run?.successCount ?? 0,
    failedCount: run?.failedCount ?? 0,
    ...deliveryCounts(run),
    scheduledAt: campaign.scheduledAt?.toISOString() ?? null,
    startedAt: run?.startedAt.toISOString() ?? null,
    finishedAt: run?.finishedAt?.toISOString() ?? null,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString()
  }
  return run === null ? summary : Object.assign(summary, runState(run, campaign.readAt.getTime()))
}

/** A run of the history, at `now` on the store's clock (its live figures while under way). */
export function presentRun (run: StoredCampaignRun, now: Date): CampaignRun {
  const shown: CampaignRun = {
    id: run.id,
    recipients: run.recipients,
    templateName: run.templateName,
    language: run.language,
    status: run.status,
    totalCount: run.totalCount,
    successCount: run.successCount,
    failedCount: run.failedCount,
    ...deliveryCounts(run),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null
  }
  return Object.assign(shown, runState(run, now.getTime()))
}

/** A run's delivery counts; zeros for a campaign that never ran. */
function deliveryCounts (run: DeliveryCounts | null): DeliveryCounts {
  return {
    deliveredCount: run?.deliveredCount ?? 0,
    readCount: run?.readCount ?? 0,
    repliedCount: run?.repliedCount ?? 0,
    skippedCount: run?.skippedCount ?? 0
  }
}

/** What a run shows beside its counts, on a campaign or in its history: why it failed or paused, and its live figures while under way. */
function runState (run: StoredRun, now: number): Pick<CampaignSummary, 'error' | 'progress'> {
  const state: Pick<CampaignSummary, 'error' | 'progress'> = {}
  if ((run.status === 'failed' || run.status === 'paused') && run.error !== null) state.error = { ...run.error }
  const progress = liveFigures(run, now)
  if (progress !== undefined) state.progress = progress
  return state
}

export function presentMessage (message: StoredMessage): Message {
  const shown: Message = {
    position: message.position,
    phone: message.phone,
    name: message.name,
    status: publicMessageStatus(message.status),
    messageId: message.messageId,
    attempts: message.attempts,
    sentAt: message.sentAt?.toISOString() ?? null,
    deliveredAt: message.deliveredAt?.toISOString() ?? null,
    readAt: message.readAt?.toISOString() ?? null,
    repliedAt: message.repliedAt?.toISOString() ?? null,
    updatedAt: message.updatedAt.toISOString()
  }
  if (message.error !== null) shown.error = { ...message.error }
  return shown
}

/** The figures of a run that is running or paused, at `now` on the store's clock; undefined for one that ended. */
export function liveFigures (run: StoredRun, now: number): RunProgressFigures | undefined {
  if (run.status !== 'running' && run.status !== 'paused') return undefined
  // The rate samples count what was sent or failed; skipped recipients took no sending.
  const settled = run.successCount + run.failedCount
  const pending = Math.max(0, run.totalCount - settled - run.skippedCount)
  const older = { at: run.rate.older.at.getTime(), settled: run.rate.older.settled }
  const newer = { at: run.rate.newer.at.getTime(), settled: run.rate.newer.settled }
  // A newer sample already a window old is the better base: nothing it saw is "now" any more.
  const base = now - newer.at >= rateWindowMs ? newer : older
  // A paused run moves nothing, whatever its last seconds did.
  const rate = run.status === 'paused' ? 0 : perSecond(settled - base.settled, now - base.at)
  return {
    sent: run.successCount,
    failed: run.failedCount,
    pending,
    ratePerSecond: rate,
    averageRatePerSecond: perSecond(settled, now - run.startedAt.getTime()),
    etaSeconds: rate > 0 ? Math.ceil(pending / rate) : null,
    startedAt: run.startedAt.toISOString()
  }
}

function perSecond (count: number, spanMs: number): number {
  const rate = Math.max(0, count) * 1000 / Math.max(spanMs, minimumSpanMs)
  return Math.round(rate * 100) / 100
}
