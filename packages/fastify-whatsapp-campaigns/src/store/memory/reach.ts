/** The memory adapter's count of the unique recipients a sending number reached in a window. */
import type { ReachQuery, StoredReach, Tenant } from '../types.js'
import type { MemoryState } from './state.js'

export function uniqueRecipients (state: MemoryState, tenant: Tenant, query: ReachQuery): StoredReach {
  const since = query.since.getTime()
  const reached = new Set<string>()
  for (const run of state.runs.values()) {
    if (run.tenant !== tenant || run.sender !== query.sender) continue
    for (const message of run.messages) {
      if (message.wamid !== null && message.sentAt !== null && message.sentAt.getTime() >= since) reached.add(message.phone)
    }
  }
  let among = 0
  for (const phone of new Set(query.phones)) if (reached.has(phone)) among++
  return { reached: reached.size, among }
}
