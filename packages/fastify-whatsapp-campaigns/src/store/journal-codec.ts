/**
 * Journaled statuses as JSON and back. Written with JSON.stringify (dates as ISO strings); read back
 * here, the one place that knows which fields are dates.
 */
import type { StatusReport } from './types.js'

/** The statuses as the journal stores them. */
export function encodeStatuses (statuses: readonly StatusReport[]): string {
  return JSON.stringify(statuses)
}

type Stored<T> = { [K in keyof T]: T[K] extends Date | null ? string | null : T[K] }
type StoredStatus = Omit<Stored<StatusReport>, 'failed'> & { failed: (Omit<NonNullable<StatusReport['failed']>, 'at'> & { at: string }) | null }

/** What `encodeStatuses` wrote. */
export function decodeStatuses (stored: string): StatusReport[] {
  const list = JSON.parse(stored) as StoredStatus[]
  return list.map(status => ({
    wamid: status.wamid,
    origin: status.origin,
    sentAt: dateOf(status.sentAt),
    deliveredAt: dateOf(status.deliveredAt),
    readAt: dateOf(status.readAt),
    failed: status.failed === null ? null : { at: new Date(status.failed.at), code: status.failed.code, title: status.failed.title }
  }))
}

function dateOf (value: string | null): Date | null {
  return value === null ? null : new Date(value)
}
