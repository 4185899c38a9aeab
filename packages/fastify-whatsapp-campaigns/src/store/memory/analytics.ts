/** The figures of the memory adapter read over many rows: a run's stats, a tenant's analytics. */
import type { StoredAnalytics, StoredRunStats, Tenant, StoredTimelineMinute } from '../types.js'
import { encodeCode } from '../codes.js'
import { storedCampaignRun, type MemoryState, type MessageRecord, type RunRecord } from './state.js'

/** The campaign's latest run, or `query.run` when it is one of the campaign's; null when there is none. */
export function stats (state: MemoryState, tenant: Tenant, id: number, query: { run?: number }): StoredRunStats | null {
  const campaign = state.campaignOf(tenant, id)
  if (campaign === undefined) return null
  const run = query.run === undefined ? state.latestRun(campaign) : state.runs.get(query.run)
  if (run?.campaignId !== campaign.id) return null
  return { run: storedCampaignRun(run), failures: failuresOf(run), timeline: timelineOf(run), readAt: new Date() }
}

/** Failed rows by code and title, most first; ties in the codes' and titles' text order (PostgreSQL's "C" collation). */
function failuresOf (run: RunRecord): StoredRunStats['failures'] {
  const groups = new Map<string, StoredRunStats['failures'][number]>()
  for (const message of run.messages) {
    if (message.status !== 'failed' || message.error === null) continue
    const key = JSON.stringify([encodeCode(message.error.code), message.error.title])
    const group = groups.get(key)
    if (group === undefined) groups.set(key, { code: message.error.code, title: message.error.title, count: 1 })
    else group.count++
  }
  return [...groups.values()].sort((a, b) =>
    b.count - a.count || compareText(encodeCode(a.code), encodeCode(b.code)) || compareText(a.title, b.title))
}

const minuteMs = 60_000

/**
 * Per UTC minute, by each event's own timestamp; a failure by the time its row was last written; a read
 * message counts delivered (as its run's counter does), by its read time while its delivered status is missing.
 */
function timelineOf (run: RunRecord): StoredTimelineMinute[] {
  const minutes = new Map<number, StoredTimelineMinute>()
  const count = (at: Date | null, event: Exclude<keyof StoredTimelineMinute, 'minute'>): void => {
    if (at === null) return
    const start = Math.floor(at.getTime() / minuteMs) * minuteMs
    let minute = minutes.get(start)
    if (minute === undefined) {
      minute = { minute: new Date(start), sent: 0, delivered: 0, read: 0, failed: 0 }
      minutes.set(start, minute)
    }
    minute[event]++
  }
  for (const message of run.messages) {
    count(message.sentAt, 'sent')
    count(message.deliveredAt ?? message.readAt, 'delivered')
    count(message.readAt, 'read')
    count(failedAt(message), 'failed')
  }
  return [...minutes.values()].sort((a, b) => a.minute.getTime() - b.minute.getTime())
}

function failedAt (message: MessageRecord): Date | null {
  return message.status === 'failed' ? message.updatedAt : null
}

/** Over the tenant's runs started in [from, to), from the counters kept with each run. */
export function analytics (state: MemoryState, tenant: Tenant, period: { from: Date, to: Date }): StoredAnalytics {
  const figures: StoredAnalytics = {
    campaigns: 0, runs: 0, totalCount: 0, successCount: 0, failedCount: 0, deliveredCount: 0, readCount: 0, repliedCount: 0, skippedCount: 0
  }
  const campaigns = new Set<number>()
  for (const run of state.runs.values()) {
    const started = run.startedAt.getTime()
    if (run.tenant !== tenant || started < period.from.getTime() || started >= period.to.getTime()) continue
    campaigns.add(run.campaignId)
    figures.runs++
    figures.totalCount += run.messages.length
    figures.successCount += run.successCount
    figures.failedCount += run.failedCount
    figures.deliveredCount += run.deliveredCount
    figures.readCount += run.readCount
    figures.repliedCount += run.repliedCount
    figures.skippedCount += run.skippedCount
  }
  figures.campaigns = campaigns.size
  return figures
}

function compareText (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
