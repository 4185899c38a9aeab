/** The opt-out lists of the memory adapter: each tenant's phones that asked not to be messaged. */
import type { OptOutQuery, OptOutSource, StoredOptOut, Tenant } from '../types.js'
import type { MemoryState } from './state.js'

/** Phones in order (as PostgreSQL's text order has them for digits), after the cursor, up to `limit`. */
export function optOuts (state: MemoryState, tenant: Tenant, query: OptOutQuery): StoredOptOut[] {
  const list = state.optOuts.get(tenant)
  if (list === undefined || !(query.limit > 0)) return []
  const after = query.after ?? ''
  return [...list.entries()]
    .filter(([phone]) => phone > after && (query.phone === undefined || phone === query.phone))
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .slice(0, query.limit)
    .map(([phone, entry]) => ({ phone, source: entry.source, createdAt: new Date(entry.createdAt) }))
}

export function addOptOuts (state: MemoryState, tenant: Tenant, phones: string[], source: OptOutSource): number {
  if (phones.length === 0) return 0
  let list = state.optOuts.get(tenant)
  if (list === undefined) {
    list = new Map()
    state.optOuts.set(tenant, list)
  }
  const now = new Date()
  let added = 0
  for (const phone of phones) {
    if (list.has(phone)) continue
    list.set(phone, { source, createdAt: now })
    added++
  }
  return added
}

export function removeOptOut (state: MemoryState, tenant: Tenant, phone: string): boolean {
  return state.optOuts.get(tenant)?.delete(phone) ?? false
}

export function optedOutAmong (state: MemoryState, tenant: Tenant, phones: string[]): Set<string> {
  const list = state.optOuts.get(tenant)
  return new Set(list === undefined ? [] : phones.filter(phone => list.has(phone)))
}
