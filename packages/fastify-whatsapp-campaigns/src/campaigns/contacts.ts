import type { CountryCode } from 'libphonenumber-js'
import type { Contact } from '../schemas/campaign.js'
import type { InvalidRow } from '../schemas/errors.js'
import type { StoredContact } from '../store/types.js'
import { invalidRowsError, TooManyContactsError } from '../errors.js'
import { normalisePhone } from './phone.js'

export interface ContactRules {
  maxContacts: number
  defaultCountry?: CountryCode
}

/**
 * Normalises and checks a contact list: phones to digits, the same phone twice kept once (the first),
 * names trimmed. Throws a 400 naming every bad row, so a caller can fix them all at once. The limit
 * counts the phones kept, so a list is refused as soon as one phone too many appears.
 */
export function prepareContacts (contacts: Contact[], rules: ContactRules): StoredContact[] {
  const invalid: InvalidRow[] = []
  const seen = new Set<string>()
  const prepared: StoredContact[] = []
  contacts.forEach((contact, index) => {
    const result = normalisePhone(contact.phone, rules.defaultCountry)
    if ('reason' in result) {
      invalid.push({ index, value: contact.phone, reason: result.reason })
      return
    }
    if (seen.has(result.phone)) return
    if (seen.size === rules.maxContacts) throw new TooManyContactsError(rules.maxContacts, contacts.length)
    seen.add(result.phone)
    const name = contact.name?.trim()
    prepared.push({
      phone: result.phone,
      name: name === undefined || name === '' ? null : name,
      parameters: contact.parameters ?? null
    })
  })
  if (invalid.length > 0) throw invalidRowsError('contacts', invalid)
  return prepared
}
