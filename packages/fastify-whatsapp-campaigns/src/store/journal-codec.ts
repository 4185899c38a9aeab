/**
 * Journaled statuses as JSON and back, the one place that knows which fields are times. Times go as
 * epoch milliseconds (epoch-ms.ts); read back, an ISO string is taken too (what JSON.stringify makes
 * of a Date), so an entry written either way decodes.
 */
import { epochMs } from './epoch-ms.js'
import type { StatusReport } from './types.js'

type Stored<T> = { [K in keyof T]: T[K] extends Date | null ? number | string | null : T[K] }
type StoredFailure = Omit<NonNullable<StatusReport['failed']>, 'at'> & { at: number | string }
type StoredStatus = Omit<Stored<StatusReport>, 'failed'> & { failed: StoredFailure | null }

/** The statuses as the journal stores them. */
export function encodeStatuses (statuses: readonly StatusReport[]): string {
  return JSON.stringify(statuses.map((status): StoredStatus => ({
    wamid: status.wamid,
    origin: status.origin,
    sentAt: epochMs(status.sentAt),
    deliveredAt: epochMs(status.deliveredAt),
    readAt: epochMs(status.readAt),
    failed: status.failed === null ? null : { at: status.failed.at.getTime(), code: status.failed.code, title: status.failed.title }
  })))
}

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

function dateOf (value: number | string | null): Date | null {
  return value === null ? null : new Date(value)
}
