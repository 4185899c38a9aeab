import type { CheckedContact, ContactCheck } from '../schemas/contacts-check.js'
import type { Contact } from '../schemas/campaign.js'
import type { OptOutList, Tenant } from '../store/types.js'
import { classifyContacts, type ContactRules } from './contacts.js'

const optedOutReason = 'on the opt-out list: a run skips it'

/**
 * What a create would make of a contact list, row by row, without storing anything: the same
 * classification as the create's (classifyContacts, with its limit and its 400), and the phones on
 * the tenant's opt-out list found in one lookup.
 */
export async function checkContacts (store: Pick<OptOutList, 'optedOutAmong'>, tenant: Tenant, contacts: Contact[], rules: ContactRules): Promise<ContactCheck> {
  const classified = classifyContacts(contacts, rules)
  const kept = classified.flatMap(row => row.verdict === 'valid' ? [row.contact.phone] : [])
  const optedOut = await store.optedOutAmong(tenant, kept)
  const counts = { valid: 0, invalid: 0, duplicate: 0, optedOut: 0 }
  const rows = classified.map((row): CheckedContact => {
    if (row.verdict === 'invalid') {
      counts.invalid++
      return { index: row.index, phone: row.phone, name: row.name, verdict: 'invalid', reason: row.reason }
    }
    const { phone, name } = row.contact
    if (row.verdict === 'duplicate') {
      counts.duplicate++
      return { index: row.index, phone, name, verdict: 'duplicate', reason: `the same phone as row ${row.firstIndex}`, duplicateOf: row.firstIndex }
    }
    if (optedOut.has(phone)) {
      counts.optedOut++
      return { index: row.index, phone, name, verdict: 'optedOut', reason: optedOutReason }
    }
    counts.valid++
    return { index: row.index, phone, name, verdict: 'valid' }
  })
  return { rows, counts }
}
