import type { Contact, ContactCheck, ContactVerdict } from 'fastify-whatsapp-campaigns'
import { sendJson } from '../api.js'

export const verdictLabels: Record<ContactVerdict, string> = {
  valid: 'Valid',
  invalid: 'Invalid',
  duplicate: 'Duplicate',
  optedOut: 'Opted out'
}

/** The server's verdict on each row of a list (`POST /contacts/check`): nothing is stored. */
export async function checkContacts (contacts: Contact[], signal?: AbortSignal): Promise<ContactCheck> {
  const result = await sendJson<ContactCheck>('/contacts/check', { method: 'POST', body: { contacts }, signal })
  if (result === null) throw new Error('The contact check answered nothing')
  return result
}

/**
 * The contacts to import: the valid rows only, each with the phone as the server normalised it (so a
 * later duplicate is seen as one) and its own parameters kept.
 */
export function validContacts (contacts: readonly Contact[], result: ContactCheck): Contact[] {
  const kept: Contact[] = []
  for (const row of result.rows) {
    if (row.verdict !== 'valid') continue
    const contact = contacts[row.index]
    if (contact === undefined) continue
    kept.push({ ...contact, phone: row.phone })
  }
  return kept
}
