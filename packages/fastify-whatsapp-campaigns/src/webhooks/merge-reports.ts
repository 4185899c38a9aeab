import type { DeliveryReports, StatusReport } from '../store/types.js'

/** A batch with nothing in it. */
export function emptyReports (): DeliveryReports {
  return { statuses: [], inbound: [], preferences: [], other: [] }
}

/** Whether a batch holds anything to store. */
export function hasReports (reports: DeliveryReports): boolean {
  return reports.statuses.length > 0 || reports.inbound.length > 0 || reports.preferences.length > 0 || reports.other.length > 0
}

function earlier (a: Date | null, b: Date | null): Date | null {
  if (a === null) return b
  if (b === null) return a
  return b < a ? b : a
}

/**
 * One report per wamid, in the order the wamids first came: the earliest time of each status (Meta
 * repeats statuses, and a retried delivery repeats them all), the earliest failure, the first origin.
 */
export function mergeStatusReports (reports: readonly StatusReport[]): StatusReport[] {
  const byWamid = new Map<string, StatusReport>()
  for (const report of reports) {
    const held = byWamid.get(report.wamid)
    if (held === undefined) {
      byWamid.set(report.wamid, { ...report })
      continue
    }
    held.origin ??= report.origin
    held.sentAt = earlier(held.sentAt, report.sentAt)
    held.deliveredAt = earlier(held.deliveredAt, report.deliveredAt)
    held.readAt = earlier(held.readAt, report.readAt)
    if (report.failed !== null && (held.failed === null || report.failed.at < held.failed.at)) held.failed = report.failed
  }
  return [...byWamid.values()]
}

/** Many requests' reports as one batch, statuses of the same wamid merged. */
export function combineReports (batches: readonly DeliveryReports[]): DeliveryReports {
  if (batches.length === 1) return batches[0]
  const combined = emptyReports()
  for (const batch of batches) {
    combined.statuses.push(...batch.statuses)
    combined.inbound.push(...batch.inbound)
    combined.preferences.push(...batch.preferences)
    combined.other.push(...batch.other)
  }
  combined.statuses = mergeStatusReports(combined.statuses)
  return combined
}
