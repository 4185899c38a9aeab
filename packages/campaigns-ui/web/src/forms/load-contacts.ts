import type { Contact, ListedContact } from 'fastify-whatsapp-campaigns'
import { getJson } from '../api.js'

const pageSize = 1000

/** The whole contact list, a keyset page at a time (the detail carries only its first `inlineLimit`). */
export async function loadContacts (id: number, onProgress: (loaded: number) => void, signal: AbortSignal): Promise<Contact[]> {
  const contacts: Contact[] = []
  let after = 0
  for (;;) {
    const { data } = await getJson<ListedContact[]>(`/campaigns/${id}/contacts`, { query: { limit: pageSize, after }, signal })
    for (const listed of data) contacts.push(contactOf(listed))
    onProgress(contacts.length)
    if (data.length < pageSize) return contacts
    after = data[data.length - 1].position
  }
}

/** A stored contact as the form holds it: no null fields, so that an unchanged one compares equal. */
export function contactOf (stored: Contact | ListedContact): Contact {
  const contact: Contact = { phone: stored.phone }
  if (stored.name != null) contact.name = stored.name
  if (stored.parameters != null) contact.parameters = stored.parameters
  return contact
}
