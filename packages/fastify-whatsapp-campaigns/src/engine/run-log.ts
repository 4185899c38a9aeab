import type { FastifyBaseLogger } from 'fastify'
import type { RunCounters, RunPlan, RunQueue } from '../store/types.js'

/**
 * The log lines that bracket a worker's time on a run. A run resumed (after a pause or a restart) or
 * shared with other instances is worked on by several workers: the counts are the whole run's, the
 * duration and the rate this worker's.
 */
export class RunLog {
  readonly #plan: RunPlan
  readonly #queue: RunQueue
  readonly #log: FastifyBaseLogger
  readonly #startedAt = Date.now()
  #settledAtStart = 0

  constructor (plan: RunPlan, queue: RunQueue, log: FastifyBaseLogger) {
    this.#plan = plan
    this.#queue = queue
    this.#log = log
  }

  started (counters: RunCounters | null): void {
    this.#settledAtStart = settled(counters)
    const { campaignId, runId, templateName, language, totalCount } = this.#plan
    const already = counters === null ? {} : { sent: counters.successCount, failed: counters.failedCount }
    this.#log.info({ campaignId, runId, templateName, language, total: totalCount, ...already }, 'campaign run started')
  }

  /** Reads the run's counters and logs its end (or this worker's) at `level`, with `extra` fields. */
  async ended (level: 'info' | 'warn', message: string, extra: Record<string, unknown> = {}): Promise<void> {
    const counters = await this.#queue.counters(this.#plan).catch(() => null)
    const durationMs = Date.now() - this.#startedAt
    const settledHere = Math.max(0, settled(counters) - this.#settledAtStart)
    const { campaignId, runId, totalCount } = this.#plan
    this.#log[level]({
      campaignId,
      runId,
      status: counters?.status,
      total: totalCount,
      sent: counters?.successCount,
      failed: counters?.failedCount,
      durationMs,
      messagesPerSecond: durationMs > 0 ? Math.round(settledHere / durationMs * 10_000) / 10 : 0,
      ...extra
    }, message)
  }
}

function settled (counters: RunCounters | null): number {
  return counters === null ? 0 : counters.successCount + counters.failedCount
}
