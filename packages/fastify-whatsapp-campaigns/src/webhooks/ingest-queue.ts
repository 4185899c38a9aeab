import type { DeliveryReports, IngestSummary } from '../store/types.js'
import { BatchQueue } from './batch-queue.js'
import { combineReports, reportCount } from './merge-reports.js'

/** About what one ingest statement handles well; a single request larger than this still goes whole. */
export const defaultReportsPerCall = 10_000

export interface IngestQueueOptions {
  /** Stores one batch all or nothing: `store.ingest`. */
  ingest: (reports: DeliveryReports) => Promise<IngestSummary>
  /** Reports (statuses, inbound messages, preferences, other events) gathered into one call at most. */
  reportsPerCall?: number
}

/**
 * Webhook requests that arrive together share one ingest (one transaction): a request of one status
 * and one of a thousand cost the same single call. As ingest is all or nothing, a failure leaves none
 * of that call's reports applied, and the requests can be retried as they were.
 */
export class IngestQueue extends BatchQueue<DeliveryReports, IngestSummary> {
  constructor (options: IngestQueueOptions) {
    super({
      call: async batch => await options.ingest(combineReports(batch)),
      sizeOf: reportCount,
      maxSize: options.reportsPerCall ?? defaultReportsPerCall
    })
  }
}
