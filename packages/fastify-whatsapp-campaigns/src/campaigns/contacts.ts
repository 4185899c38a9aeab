import type { CountryCode } from 'libphonenumber-js'
import type { Contact } from '../schemas/campaign.js'
import type { StoredContact } from '../store/types.js'
import { invalidRowsError, TooManyContactsError } from '../errors.js'
import { normalisePhone } from './phone.js'

export interface ContactRules {
  maxContacts: number
  defaultCountry?: CountryCode
}

/** A row of a contact list as the rules see it: kept (its phone normalised), refused, or a repeat of an earlier kept row. */
export type ClassifiedContact =
  | { index: number, verdict: 'valid', contact: StoredContact }
  | { index: number, verdict: 'invalid', phone: string, name: string | null, reason: string }
  | { index: number, verdict: 'duplicate', contact: StoredContact, firstIndex: number }

/**
 * The one reading of a contact list, for a campaign and for its dry run: phones to digits, names
 * trimmed (blank ones null), a phone seen before a duplicate of the first row that had it. The limit
 * counts the distinct phones kept, so a list is refused (TooManyContactsError) as soon as one phone
 * too many appears.
 */
export function classifyContacts (contacts: Contact[], rules: ContactRules): ClassifiedContact[] {
  const firstIndexOf = new Map<string, number>()
  return contacts.map((contact, index): ClassifiedContact => {
    const name = contact.name?.trim()
    const shownName = name === undefined || name === '' ? null : name
    const result = normalisePhone(contact.phone, rules.defaultCountry)
    if ('reason' in result) return { index, verdict: 'invalid', phone: contact.phone, name: shownName, reason: result.reason }
    const stored: StoredContact = { phone: result.phone, name: shownName, parameters: contact.parameters ?? null }
    const firstIndex = firstIndexOf.get(result.phone)
    if (firstIndex !== undefined) return { index, verdict: 'duplicate', contact: stored, firstIndex }
    if (firstIndexOf.size === rules.maxContacts) throw new TooManyContactsError(rules.maxContacts, contacts.length)
    firstIndexOf.set(result.phone, index)
    return { index, verdict: 'valid', contact: stored }
  })
}

/**
 * A contact list as a campaign keeps it: the valid rows, each phone once (its first row). Throws a
 * 400 naming every bad row, so a caller can fix them all at once.
 */
export function prepareContacts (contacts: Contact[], rules: ContactRules): StoredContact[] {
  const rows = classifyContacts(contacts, rules)
  const invalid = rows.flatMap(row => row.verdict === 'invalid' ? [{ index: row.index, value: row.phone, reason: row.reason }] : [])
  if (invalid.length > 0) throw invalidRowsError('contacts', invalid)
  return rows.flatMap(row => row.verdict === 'valid' ? [row.contact] : [])
}
