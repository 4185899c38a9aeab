import type { DeliveryReports } from '../store/types.js'
import { mergeReports } from '../store/status-rules.js'

/** A batch with nothing in it. */
export function emptyReports (): DeliveryReports {
  return { statuses: [], inbound: [], preferences: [], other: [] }
}

/** How many reports a batch holds, of every kind. */
export function reportCount (reports: DeliveryReports): number {
  return reports.statuses.length + reports.inbound.length + reports.preferences.length + reports.other.length
}

/** Whether a batch holds anything to store. */
export function hasReports (reports: DeliveryReports): boolean {
  return reportCount(reports) > 0
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
  combined.statuses = mergeReports(combined.statuses)
  return combined
}
