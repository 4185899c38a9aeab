import type { Message } from '../schemas/campaign.js'
import type { CampaignRepository, MessageQuery, StoredMessage, Tenant } from '../store/types.js'
import { presentMessage } from './present.js'

/** Messages read a keyset page at a time: the memory of an export is one page's, however long the run. */
export const exportPageSize = 1000

/**
 * Every message of one run (filtered by status), in position order, read from `first` on a page at a
 * time as the consumer asks for them. The run is fixed by its id, so a rerun that starts meanwhile
 * does not change what the export holds.
 */
export async function * messagePages (
  store: Pick<CampaignRepository, 'messages'>, tenant: Tenant, id: number, query: Omit<MessageQuery, 'limit' | 'after'> & { run: number }, first: StoredMessage[]
): AsyncGenerator<Message> {
  let page: StoredMessage[] | null = first
  while (page !== null && page.length > 0) {
    for (const message of page) yield presentMessage(message)
    if (page.length < exportPageSize) return
    page = await store.messages(tenant, id, { ...query, limit: exportPageSize, after: page[page.length - 1].position })
  }
}
