import type { DeliveryReports } from '../store/types.js'
import type { IngestQueue } from './ingest-queue.js'
import { hasReports } from './merge-reports.js'
import type { StatusInbox } from './status-inbox.js'

/**
 * Where a signed body's reports go before the route answers 200. Statuses, nearly all of Meta's
 * traffic, go to the store's journal when it has one (applied a moment later); the rest (replies,
 * opt-outs, other events) are applied before the answer, after the statuses acknowledged before them,
 * so that a reply finds a message whose wamid a status taught. Without a journal, all are applied.
 */
export class WebhookIntake {
  constructor (private readonly ingest: IngestQueue, private readonly inbox?: StatusInbox) {}

  /** Resolves once the reports are stored; rejects when they could not be, and Meta should send them again. */
  async receive (reports: DeliveryReports): Promise<void> {
    if (this.inbox === undefined) {
      await this.ingest.add(reports)
      return
    }
    if (reports.statuses.length > 0) await this.inbox.add(reports.statuses)
    const rest = { ...reports, statuses: [] }
    if (!hasReports(rest)) return
    await this.inbox.settled()
    await this.ingest.add(rest)
  }

  start (): void {
    this.inbox?.start()
  }

  async close (): Promise<void> {
    await this.inbox?.close()
    await this.ingest.close()
  }
}
