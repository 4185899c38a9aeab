import type { DeliveryReports, IngestSummary } from '../store/types.js'
import { combineReports, reportCount } from './merge-reports.js'

/** About what one ingest statement handles well; a single request larger than this still goes whole. */
export const defaultReportsPerCall = 10_000

export interface IngestQueueOptions {
  /** Stores one batch all or nothing: `store.ingest`. */
  ingest: (reports: DeliveryReports) => Promise<IngestSummary>
  /** Reports (statuses, inbound messages, preferences, other events) gathered into one call at most. */
  reportsPerCall?: number
}

interface Waiting {
  reports: DeliveryReports
  size: number
  resolve: (summary: IngestSummary) => void
  reject: (error: unknown) => void
}

/**
 * Webhook requests that arrive together share one ingest (one statement, one commit): the first goes
 * at once; while it is under way, the requests that arrive wait, and all of them go in the next call.
 * So a request of one status and one of a thousand cost the same single call, and a burst of requests
 * costs a few calls rather than one each. A request's promise settles when the call holding its
 * reports has committed (with that call's summary) or failed; as ingest is all or nothing, a failure
 * leaves none of that call's reports applied, and the requests can be retried as they were.
 */
export class IngestQueue {
  private readonly ingest: IngestQueueOptions['ingest']
  private readonly reportsPerCall: number
  private waiting: Waiting[] = []
  private draining: Promise<void> | null = null

  constructor (options: IngestQueueOptions) {
    // Async, so that even an ingest that throws at once settles after `draining` is set.
    this.ingest = async reports => await options.ingest(reports)
    this.reportsPerCall = options.reportsPerCall ?? defaultReportsPerCall
  }

  /** Resolves once `reports` are stored, in a call that may hold other requests' too. */
  async add (reports: DeliveryReports): Promise<IngestSummary> {
    return await new Promise<IngestSummary>((resolve, reject) => {
      this.waiting.push({ reports, size: reportCount(reports), resolve, reject })
      this.draining ??= this.drain()
    })
  }

  /** Resolves when nothing is waiting or under way: what was given is stored, or its requests were told it failed. */
  async close (): Promise<void> {
    while (this.draining !== null) await this.draining
  }

  private async drain (): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.nextBatch()
      try {
        const summary = await this.ingest(combineReports(batch.map(waiting => waiting.reports)))
        for (const waiting of batch) waiting.resolve(summary)
      } catch (error) {
        for (const waiting of batch) waiting.reject(error)
      }
    }
    this.draining = null
  }

  /** The oldest waiting requests, whole, up to the cap (the first one always, however large). */
  private nextBatch (): Waiting[] {
    let count = 1
    let size = this.waiting[0].size
    while (count < this.waiting.length && size + this.waiting[count].size <= this.reportsPerCall) {
      size += this.waiting[count].size
      count++
    }
    return this.waiting.splice(0, count)
  }
}
